#!/usr/bin/env python3
"""Write workloads/requests/NAME-realistic.requests for the shipped real-API route sets.

Each list holds a few hundred concrete requests (no wildcards left) in a fixed order: every route
of the set at least once, the rest drawn with a skewed popularity (a Zipf-like weight over a
shuffled rank order, reads weighted above writes), then shuffled. Parameter values are chosen by
parameter name from small vocabularies of real-looking owners, repositories, numbers, hashes and
ids, so that path lengths and byte patterns resemble real traffic rather than ":owner" literals.

Deterministic: the same seed and the same route files give byte-identical output. Python's
random.Random with an integer seed is stable across Python 3 versions for the calls used here
(random(), randrange(), choice(), shuffle()).

Usage: scripts/gen_realistic_requests.py [--seed N] [SET ...]   (default: every set below)
"""

import argparse
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Set name -> number of requests to write.
SETS = {"static": 500, "github": 800, "gplus": 300, "parse": 300, "manyparams": 400}

USERS = ["julienschmidt", "octocat", "torvalds", "antirez", "mitchellh", "bradfitz", "rsc",
         "kelseyhightower", "sindresorhus", "gaearon", "defunkt", "mojombo", "fatih", "spf13",
         "tj", "dhh", "jessfraz", "mattn", "robpike", "ianlancetaylor"]
ORGS = ["golang", "google", "kubernetes", "rust-lang", "nodejs", "facebook", "microsoft",
        "github", "hashicorp", "apache", "mozilla", "gin-gonic", "redis", "docker"]
REPOS = ["httprouter", "gin", "go", "linux", "redis", "kubernetes", "rust", "node", "react",
         "vscode", "terraform", "cobra", "hub", "color", "curl", "sqlite", "jq", "ripgrep",
         "go-http-routing-benchmark", "echo"]
BRANCHES = ["main", "master", "develop", "gh-pages", "release-1.21", "v2", "next"]
LABELS = ["bug", "enhancement", "help-wanted", "good-first-issue", "question", "wontfix",
          "duplicate", "documentation", "performance"]
TEMPLATES = ["Go", "C", "Python", "Node", "Rust", "Java", "Haskell", "Ruby"]
STATES = ["open", "closed"]
KEYWORDS = ["router", "http", "radix", "allocator", "benchmark", "lockfree", "parser", "json"]
EMAILS = ["rob@golang.org", "octocat@github.com", "dev@example.com", "ops@example.org"]
COLLECTIONS_PEOPLE = ["visible", "connected"]
COLLECTIONS_ACTIVITIES = ["public"]
COLLECTIONS_ACTIVITY_PEOPLE = ["plusoners", "resharers"]
COLLECTIONS_MOMENTS = ["vault"]
CLASSES = ["GameScore", "Player", "Post", "Comment", "Order", "Product", "go"]
EVENTS = ["AppOpened", "Search", "Error", "Purchase", "SignUp"]
FILES = ["pic.jpg", "avatar.png", "report.pdf", "notes.txt", "song.mp3"]
VERSIONS = ["v1", "v2", "v3", "1.21.4", "2.0.0-rc1", "2024-01"]
LANGS = ["en", "de", "fr", "ja", "pt-br", "zh-hans"]
TEAMS = ["platform", "infra", "core-runtime", "web", "data", "security", "sre"]

ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def hex_string(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def alnum_string(rng, n):
    return "".join(rng.choice(ALNUM) for _ in range(n))


def number(rng, digits_max):
    """A positive number whose digit count is spread over 1..digits_max (small ones commoner)."""
    digits = 1 + min(int(rng.random() ** 2 * digits_max), digits_max - 1)
    low = 1 if digits == 1 else 10 ** (digits - 1)
    return str(rng.randrange(low, 10 ** digits))


def param_value(rng, set_name, before, name):
    """A plausible value for parameter `name` that follows static segment `before`."""
    if set_name == "gplus":
        if name == "userId":
            return "me" if rng.random() < 0.2 else "1" + "".join(
                rng.choice("0123456789") for _ in range(20))
        if name in ("activityId", "commentId"):
            return "z" + alnum_string(rng, 25).lower()
        if name == "collection":
            by_parent = {"people": COLLECTIONS_PEOPLE, "activities": COLLECTIONS_ACTIVITIES,
                         "moments": COLLECTIONS_MOMENTS}
            return rng.choice(by_parent.get(before, COLLECTIONS_ACTIVITY_PEOPLE))
        if name == "id":
            return alnum_string(rng, 16)
    if set_name == "parse":
        if name == "className":
            return rng.choice(CLASSES)
        if name == "objectId":
            return alnum_string(rng, 10)
        if name == "fileName":
            return rng.choice(FILES)
        if name == "eventName":
            return rng.choice(EVENTS)
    if name in ("owner", "user", "assignee", "target_user"):
        return rng.choice(USERS + ORGS[:4])
    if name == "org":
        return rng.choice(ORGS)
    if name in ("repo", "repository"):
        return rng.choice(REPOS)
    if name == "number":
        return number(rng, 5)
    if name == "id":
        return number(rng, 8)
    if name == "sha":
        return hex_string(rng, 40)
    if name == "ref":
        return rng.choice(BRANCHES) if rng.random() < 0.5 else hex_string(rng, 40)
    if name == "branch":
        return rng.choice(BRANCHES)
    if name == "name":
        return rng.choice(TEMPLATES if before == "templates" else LABELS)
    if name == "client_id":
        return hex_string(rng, 20)
    if name == "access_token":
        return hex_string(rng, 40)
    if name == "state":
        return rng.choice(STATES)
    if name == "keyword":
        return rng.choice(KEYWORDS)
    if name == "email":
        return rng.choice(EMAILS)
    if name == "version":
        return rng.choice(VERSIONS)
    if name == "lang":
        return rng.choice(LANGS)
    if name == "team":
        return rng.choice(TEAMS)
    if name == "slug":
        return rng.choice(KEYWORDS) + "-" + rng.choice(LABELS)
    if name in ("key", "item"):
        return alnum_string(rng, 12)
    if name == "token":
        return hex_string(rng, 32)
    sys.exit(f"gen_realistic_requests: no value vocabulary for parameter '{name}' in set "
             f"'{set_name}'; add one")


def read_routes(path):
    routes = []
    with open(path, encoding="utf-8") as f:
        for number_, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split()
            if len(fields) != 2 or not fields[1].startswith("/"):
                sys.exit(f"{path}:{number_}: expected 'METHOD /path'")
            routes.append((fields[0], fields[1]))
    return routes


def concrete_path(rng, set_name, pattern):
    segments = pattern.split("/")[1:]
    out = []
    before = ""
    for segment in segments:
        if segment.startswith(":"):
            out.append(param_value(rng, set_name, before, segment[1:]))
        elif segment.startswith("*"):
            sys.exit(f"gen_realistic_requests: catch-all in {pattern}: not supported here")
        else:
            out.append(segment)
            before = segment
    return "/" + "/".join(out)


def generate(set_name, count, seed):
    routes = read_routes(os.path.join(ROOT, "workloads", "routes", set_name + ".routes"))
    rng = random.Random(f"{set_name}:{seed}")
    ranks = list(range(len(routes)))
    rng.shuffle(ranks)  # ranks[i] = popularity rank of route i
    weights = [(1.0 if routes[i][0] in ("GET", "HEAD") else 0.4) / (ranks[i] + 1) ** 0.9
               for i in range(len(routes))]
    total = sum(weights)
    cumulative = []
    running = 0.0
    for w in weights:
        running += w
        cumulative.append(running / total)

    picks = list(range(len(routes)))  # every route at least once
    while len(picks) < count:
        u = rng.random()
        lo, hi = 0, len(cumulative) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cumulative[mid] < u:
                lo = mid + 1
            else:
                hi = mid
        picks.append(lo)
    rng.shuffle(picks)

    lines = [
        f"# {count} realistic requests for routes/{set_name}.routes: every route at least once, "
        "the rest drawn",
        "# with a skewed popularity (reads above writes), in a fixed order. Generated by",
        f"# scripts/gen_realistic_requests.py --seed {seed} {set_name}; do not edit by hand.",
    ]
    for i in picks:
        method, pattern = routes[i]
        lines.append(f"{method} {concrete_path(rng, set_name, pattern)}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("sets", nargs="*", metavar="SET", help=", ".join(sorted(SETS)))
    args = parser.parse_args()
    for set_name in args.sets:
        if set_name not in SETS:
            parser.error(f"unknown set '{set_name}' (valid: {', '.join(sorted(SETS))})")
    for set_name in args.sets or sorted(SETS):
        text = generate(set_name, SETS[set_name], args.seed)
        out = os.path.join(ROOT, "workloads", "requests", set_name + "-realistic.requests")
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()

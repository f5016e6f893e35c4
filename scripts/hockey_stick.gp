# `hotpath report`'s load chart: p99 latency against the rate achieved, one line per server (each
# phase's `hotpath serve`, nginx, h2o), from the open-loop rate sweep (load/*/open/Npct): the
# "hockey stick" whose knee is where the server stops keeping up. Latency runs from each
# request's intended send time (wrk2's model), so the queue a server builds is in it.
# Variables: see chart_common.gp, plus
#   common    path of chart_common.gp
#   nservers  number of lines; titles: their labels, space-separated
# Data: one block per server (separated by two blank lines): req/s achieved, p99 us, p50 us.
load common
set xlabel "requests per second achieved"
set ylabel "p99 latency (us, log scale)"
set logscale y
set format x "%.1s%c"
set xrange [0:*]
do for [fmt in formats] {
    if (fmt eq "png") { eval png_terminal } else { eval svg_terminal }
    set output out.".".fmt
    plot for [i=0:nservers-1] data index i using 1:2 with linespoints lw 2 pt 7 lt i+1 \
             title word(titles, i+1)
    set output
}

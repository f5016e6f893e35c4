/* See criterion.h: the ThreadSanitizer build's stand-in. */
#include "criterion.h"

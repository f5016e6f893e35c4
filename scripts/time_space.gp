# Chart 6 of `hotpath report`: the time/space trade-off of each implementation: ns/op against the
# bytes its structure holds (held_usable_bytes: what the allocator gave, size classes included),
# log-log; a variant measured at several parameter values is one line through its points.
# Variables: see chart_common.gp, plus
#   common    path of chart_common.gp
#   nvariants number of variants; titles: their labels, space-separated
# Data: one block per variant (separated by two blank lines): held usable bytes, median ns/op.
load common
set logscale x
set logscale y
set xlabel "bytes held by the structure (as allocated)"
set ylabel "ns per op (median)"
set format x "%.0s%cB"
do for [fmt in formats] {
    if (fmt eq "png") { eval png_terminal } else { eval svg_terminal }
    set output out.".".fmt
    plot for [i=0:nvariants-1] data index i using 1:2 with linespoints lw 2 pt (i < 8 ? 7 : 5) lt i+1 \
             title word(titles, i+1)
    set output
}

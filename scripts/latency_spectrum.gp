# Chart 2 of `hotpath report`: the latency percentile spectrum of each variant, HdrHistogram
# style: the x axis is 1/(1-p) on a log scale, so each decade is one more nine (50%, 90%, 99%,
# 99.9%, 99.99%); y is the latency per op in ns (log scale).
# Variables: see chart_common.gp, plus
#   common    path of chart_common.gp
#   nvariants number of variants; titles: their labels, space-separated
#   xmax      the largest 1/(1-p) in the data
# Data: one block per variant (separated by two blank lines): 1/(1-p), latency ns.
load common
set logscale x
set logscale y
set xrange [1:xmax]
set xtics ("50%%" 2, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 10000, \
           "99.999%%" 100000, "99.9999%%" 1000000)
set xlabel "percentile"
set ylabel "latency per op (ns)"
do for [fmt in formats] {
    if (fmt eq "png") { eval png_terminal } else { eval svg_terminal }
    set output out.".".fmt
    plot for [i=0:nvariants-1] data index i using 1:2 with steps lw 2 title word(titles, i+1)
    set output
}

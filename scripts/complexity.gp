# Chart 5 of `hotpath report`: ns/op against a swept workload parameter, log-log, one line per
# variant (implementations, threads), each with its best complexity fit dashed in the same colour
# (the fit named in the variant's title; docs/results-format.md, "complexity").
# Variables: see chart_common.gp, plus
#   common    path of chart_common.gp
#   nvariants number of variants; titles: their labels, space-separated
#   parameter the parameter's name (the x axis)
# Data: one block per variant (separated by two blank lines): value, median ns/op, CI low,
# CI high, the fitted curve's ns/op at that value.
load common
set logscale x
set logscale y
set xlabel parameter noenhanced
set ylabel "ns per op (median, 95% interval)"
set format x "%.0s%c"
do for [fmt in formats] {
    if (fmt eq "png") { eval png_terminal } else { eval svg_terminal }
    set output out.".".fmt
    plot for [i=0:nvariants-1] data index i using 1:2:3:4 with yerrorlines lw 2 pt (i < 8 ? 7 : 5) lt i+1 \
             title word(titles, i+1), \
         for [i=0:nvariants-1] data index i using 1:5 with lines dt 2 lt i+1 notitle
    set output
}

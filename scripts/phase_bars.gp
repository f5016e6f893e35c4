# Chart 1 of `hotpath report`: ns per op per phase and workload, each bar the median of the
# samples with its 95% confidence interval as the error bar.
# Variables: see chart_common.gp, plus
#   common    path of chart_common.gp
#   nphases   bars per workload: the phases, then the external peers (Gin, ...); titles: their
#             names, space-separated, phases in plan order
# Data: one line per workload and thread count: label, then median, CI low, CI high per phase.
load common
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.75 border -1
set ylabel "ns per op (median, 95% CI)"
set xlabel "workload, threads"
set yrange [0:*]
# logy = "1" (set by hotpath when the medians span more than 30x): a log scale, so that one
# slow cell does not flatten every other bar.
if (exists("logy") && logy eq "1") {
    set logscale y
    set yrange [*:*]
    set ylabel "ns per op (median, 95% CI; log scale)"
}
set xtics rotate by -10 offset 0,-0.3
do for [fmt in formats] {
    if (fmt eq "png") { eval png_terminal } else { eval svg_terminal }
    set output out.".".fmt
    plot for [i=1:nphases] data using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) \
        title word(titles, i)
    set output
}

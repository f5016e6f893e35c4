# Chart 4 of `hotpath report`: allocations per op and bytes allocated per op, per phase and
# workload (exact counts over the measured region, divided by the ops).
# Variables: see chart_common.gp, plus
#   common    path of chart_common.gp
#   nphases   bars per workload: the phases, then the external peers (Gin, ...); titles: their
#             names, space-separated, phases in plan order
# Data: one line per workload and thread count: label, then allocs/op and bytes/op per phase.
load common
set style data histogram
set style histogram clustered gap 2
set style fill solid 0.75 border -1
set yrange [0:*]
set xtics rotate by -10 offset 0,-0.3
unset title
do for [fmt in formats] {
    if (fmt eq "png") { eval png_terminal } else { eval svg_terminal }
    set output out.".".fmt
    set multiplot layout 2,1 title chart_title noenhanced
    set ylabel "allocations per op"
    plot for [i=1:nphases] data using (column(2*i)):xtic(1) title word(titles, i)
    set ylabel "bytes per op"
    set xlabel "workload, threads"
    plot for [i=1:nphases] data using (column(2*i+1)):xtic(1) title word(titles, i)
    unset xlabel
    unset multiplot
    set output
}

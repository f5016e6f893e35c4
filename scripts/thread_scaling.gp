# Chart 3 of `hotpath report`: throughput against threads for each variant (median ops/s over
# the samples, all threads together), with its ideal line (the fewest-thread rate times the
# thread count, dashed, same colour).
# Variables: see chart_common.gp, plus
#   common    path of chart_common.gp
#   nvariants number of variants; titles: their labels, space-separated
# Data: one block per variant (separated by two blank lines): threads, ops/s, ideal ops/s.
load common
set xlabel "threads"
set ylabel "operations per second (median)"
set xtics 1
set yrange [0:*]
set format y "%.1s%c"
do for [fmt in formats] {
    if (fmt eq "png") { eval png_terminal } else { eval svg_terminal }
    set output out.".".fmt
    plot for [i=0:nvariants-1] data index i using 1:2 with linespoints lw 2 pt 7 lt i+1 \
             title word(titles, i+1), \
         for [i=0:nvariants-1] data index i using 1:3 with lines dt 2 lt i+1 \
             title (i == 0 ? "ideal (dashed)" : "")
    set output
}

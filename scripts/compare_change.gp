# The change chart of `hotpath compare --chart PREFIX`: one horizontal bar per case compared on
# both sides, the change of its median ns/op (new/old - 1, in %) with the 95% bootstrap interval
# as an error bar; red for a "slower" verdict, green for "faster", grey for no significant change.
# Variables (gnuplot -e): data, out (path without extension: out.png and out.svg are written),
#   chart_title, footnote (machine and date), rows (number of cases), height (pixels).
# Data (tab-separated): index, case, change %, interval low %, interval high %, colour (RGB as
# a decimal integer).
set datafile separator "\t"
set encoding utf8
set title chart_title noenhanced
set label 99 footnote at screen 0.01, screen 0.012 left font ",8" noenhanced front
set bmargin 6
set key outside right top noenhanced
set grid xtics lc rgb "#dddddd"
set border 3
set xlabel "change of median ns/op, new vs old (%), with 95% interval"
set ylabel "case"
set yrange [rows - 0.3:-0.7]  # the first case at the top
set ytics nomirror noenhanced font ",8"
set xtics nomirror
set xzeroaxis lt 1 lc rgb "#444444"
set style fill solid 0.7 border -1
h = int(height)
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 1100,h font 'Sans,10' noenhanced
    } else {
        set terminal svg size 1100,h font 'Sans,10' noenhanced dynamic background '#ffffff'
    }
    set output out.".".fmt
    plot data using (0.5 * $3):1:(0):($3):($1 - 0.35):($1 + 0.35):6:ytic(2) \
             with boxxyerror lc rgb variable notitle, \
         data using 3:1:4:5 with xerrorbars pt 7 ps 0.4 lc rgb "#222222" title "95% interval", \
         NaN with boxes lc rgb "#d62728" title "slower (significant)", \
         NaN with boxes lc rgb "#2ca02c" title "faster (significant)", \
         NaN with boxes lc rgb "#9e9e9e" title "no significant change"
    set output
}

# Shared by every chart template of `hotpath report` (loaded first). hotpath sets, with -e:
#   out        output path without extension (both out.png and out.svg are written)
#   data       the data file hotpath wrote for this chart (tab-separated)
#   chart_title, footnote   the title, and the machine/date line printed under the chart
# Charts are drawn by calling `@draw` once per output format.
set datafile separator "\t"
set encoding utf8
set title chart_title noenhanced
set label 99 footnote at screen 0.01, screen 0.012 left font ",8" noenhanced front
set bmargin 7
set key outside right top noenhanced
set grid ytics lc rgb "#dddddd"
set border 3
set xtics nomirror noenhanced
set ytics nomirror
formats = "png svg"
png_terminal = "set terminal pngcairo size 1100,620 font 'Sans,10' noenhanced"
svg_terminal = "set terminal svg size 1100,620 font 'Sans,10' noenhanced dynamic background '#ffffff'"

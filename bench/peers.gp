# SPDX-License-Identifier: MIT
# bench/peers.gp - the "Peers side by side" table of results.md as a chart.
#
#   gnuplot -e "datafile='DATA'; outfile='peers.png'" bench/peers.gp
#
# DATA is written by `report.py --chart DATA RECORDS` (run.sh does both):
# one row per peer, tab-separated: peer label, sseval counterpart label,
# peer speed and sseval speed as fractions of memchr measured in the same
# run, and how many times faster sseval is. Two bars per peer on a log
# scale, sseval's labelled with the factor.
set terminal pngcairo size 1200,600 font "sans,10" noenhanced
set output outfile
set datafile separator "\t"
set title "sseval and its peers, same run: speed as a fraction of a memchr('\\n') loop (log scale, higher is faster)\npeers: hand-rolled C tokenizer at 64 KiB and 1-byte chunks, eventsource-parser + JSON.parse, the TS SDK's Stream and MessageStream (node)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y 10
set yrange [0.001:5]
set format y "%gx"
set ytics ("0.001x" 0.001, "0.003x" 0.003, "0.01x" 0.01, "0.03x" 0.03, "0.1x" 0.1, "0.3x" 0.3, "1x" 1, "3x" 3)
set grid ytics
set key top right
set xtics nomirror
set bmargin 4
set lmargin 10
plot datafile using 3:xtic(1) title "peer" linecolor rgb "#9e9e9e", \
     ''       using 4 title "sseval (its counterpart: see results.md)" linecolor rgb "#1f6fb4", \
     ''       using ($0 + 0.15):($4 * 1.35):(sprintf("%sx faster", stringcolumn(5))) with labels notitle font "sans,9"

# Peer for bench/density_bench.cpp: spatstat.linnet's heat kernel on `chicago`, sigma = 100,
# at the points (density.lpp(at = "points"), leave-one-out, its default) and on the network
# (density.lpp(), the pixel image on the network, its default), each timed `reps` times.
#   Rscript spatstat_chicago.R [reps]        prints one JSON object (seconds, best of reps)
suppressMessages(library(spatstat.linnet))
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args)) as.integer(args[1]) else 3L
X <- chicago
best <- function(f) {
  t <- numeric(reps)
  for (i in seq_len(reps)) { t0 <- proc.time()[["elapsed"]]; f(); t[i] <- proc.time()[["elapsed"]] - t0 }
  min(t)
}
pts <- best(function() density.lpp(X, 100, at = "points"))
net <- best(function() density.lpp(X, 100))
cat(sprintf('{"peer": "spatstat.linnet %s", "points_s": %.4f, "network_s": %.4f, "reps": %d}\n',
            packageVersion("spatstat.linnet"), pts, net, reps))

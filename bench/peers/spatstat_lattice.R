# Peer for bench/density_bench.cpp: spatstat.linnet's heat kernel on a 100 x 100 street lattice
# (10-unit blocks: 19,800 segments) with 10,000 uniform random points (seed 42), sigma = 30,
# at the points (density.lpp(at = "points"), leave-one-out). Timed once: it takes minutes.
#   Rscript spatstat_lattice.R OUTDIR        writes OUTDIR/lattice_segments.csv (x0,y0,x1,y1),
#                                            OUTDIR/lattice_points.csv (seg 1-based, tp) and
#                                            OUTDIR/lattice_values.csv (spatstat's values), and
#                                            prints one JSON object (seconds)
suppressMessages(library(spatstat.linnet))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args)) args[1] else "."
n <- 100; s <- 10
xy <- expand.grid(x = (0:(n - 1)) * s, y = (0:(n - 1)) * s)
V <- ppp(xy$x, xy$y, window = owin(c(0, (n - 1) * s), c(0, (n - 1) * s)))
id <- function(i, j) j * n + i + 1
from <- c(); to <- c()
for (j in 0:(n - 1)) for (i in 0:(n - 1)) {
  if (i + 1 < n) { from <- c(from, id(i, j)); to <- c(to, id(i + 1, j)) }
  if (j + 1 < n) { from <- c(from, id(i, j)); to <- c(to, id(i, j + 1)) }
}
L <- linnet(V, edges = cbind(from, to))
set.seed(42)
X <- runiflpp(10000, L)
seg <- as.psp(L)
write.csv(data.frame(x0 = seg$ends$x0, y0 = seg$ends$y0, x1 = seg$ends$x1, y1 = seg$ends$y1),
          file.path(dir, "lattice_segments.csv"), row.names = FALSE)
co <- coords(X)
write.csv(data.frame(seg = as.integer(co$seg), tp = co$tp), file.path(dir, "lattice_points.csv"), row.names = FALSE)
t0 <- proc.time()[["elapsed"]]
v <- density.lpp(X, 30, at = "points")
dt <- proc.time()[["elapsed"]] - t0
write.csv(data.frame(value = as.numeric(v)), file.path(dir, "lattice_values.csv"), row.names = FALSE)
cat(sprintf('{"peer": "spatstat.linnet %s", "segments": %d, "points": %d, "points_s": %.2f}\n',
            packageVersion("spatstat.linnet"), nsegments(L), npoints(X), dt))

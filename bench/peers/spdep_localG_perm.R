#!/usr/bin/env Rscript
# Peer for bench/gistar_bench.cpp: spdep::localG_perm (Gi* with conditional
# permutations, 999 by default) on the weights and counts the C++ benchmark exported
# (write_weights_csv: "from,to,weight", 0-based unit ids, self included), timed in
# the same run. Also checks that spdep's analytical z equals Tryggve's on these
# weights, so the two time the same problem.
#
#   Rscript bench/peers/spdep_localG_perm.R DIR [NSIM]
# prints one JSON line: units, nonzero, nsim, seconds_listw (wall), seconds_localG_perm
# (wall), cpu_seconds_localG_perm, max_abs_z_diff (spdep::localG z vs Tryggve's
# analytical z) and cor_perm_z_vs_z (localG_perm's permutation z vs Tryggve's z).
suppressMessages(library(spdep))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
nsim <- if (length(args) > 1) as.integer(args[2]) else 999L
w <- read.csv(file.path(dir, "weights.csv"))
v <- read.csv(file.path(dir, "values.csv"))
n <- nrow(v)

cpu <- function() { p <- proc.time(); p[["user.self"]] + p[["sys.self"]] }
t0 <- proc.time()[["elapsed"]]
# CSR rows -> nb + glist; the file is sorted by (from, to).
from <- w$from + 1L; to <- w$to + 1L
nb <- split(to, factor(from, levels = seq_len(n)))
gl <- split(w$weight, factor(from, levels = seq_len(n)))
nb <- lapply(nb, function(j) if (length(j)) as.integer(j) else 0L)
gl <- lapply(gl, function(x) if (length(x)) x else NULL)
names(nb) <- NULL; names(gl) <- NULL
class(nb) <- "nb"
attr(nb, "region.id") <- as.character(seq_len(n))
attr(nb, "self.included") <- TRUE
lw <- nb2listw(nb, glist = gl, style = "B", zero.policy = TRUE)
t1 <- proc.time()[["elapsed"]]
# The analytical z: the same problem as Tryggve's (localG_perm returns the
# permutation-based z, (G - mean) / sd of the permuted G, which differs by draw).
z <- as.numeric(localG(v$count, lw, zero.policy = TRUE))
c1 <- cpu(); t1 <- proc.time()[["elapsed"]]
g <- localG_perm(v$count, lw, nsim = nsim, zero.policy = TRUE, iseed = 1L)
t2 <- proc.time()[["elapsed"]]; c2 <- cpu()
zp <- as.numeric(g)
cat(sprintf('{"units": %d, "nonzero": %d, "nsim": %d, "seconds_listw": %.3f, "seconds_localG_perm": %.3f, "cpu_seconds_localG_perm": %.3f, "max_abs_z_diff": %.3g, "cor_perm_z_vs_z": %.4f}\n',
            n, nrow(w), nsim, t1 - t0, t2 - t1, c2 - c1, max(abs(z - v$z)), cor(zp, v$z, use = "complete.obs")))

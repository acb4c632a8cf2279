# Golden reference values for tests/density/chicago_reference_test.cpp.
# Run from this folder:  Rscript make_golden.R [heat|equalsplit|all] [heat run tags...]   (default: heat,
# all four heat runs: about 1 minute + 1 + 8 + 64 times that on a quiet machine)
# Needs spatstat.linnet (Debian r-cran-spatstat.linnet); versions go to versions.txt,
# wall-clock times to timings.txt, the heat settings of every run to heat_runs.csv.
# Everything is spatstat's `chicago` (spatstat.data), sigma = 100 (same units as the data, feet).
#
# The heat kernel is spatstat's own finite-difference solver (FDMKERNEL, what densityfun,
# density.lpp(at="pixels") and density.lpp(at="points") all run), at its default spacing dx and
# at dx/2, dx/4 (resolve.heat.steps then picks dt <= 0.95 dx^2 / AMbound, so dt shrinks as dx^2),
# and at the default dx with dt/4, to show how spatstat's numerical error shrinks. For each run:
#   value, plain  spatstat's own answer: densityfun's linfun, which returns the value of the
#                 NEAREST grid node (an O(dx) error where the density has a slope);
#   value_lin, plain_lin  the same grid solution interpolated linearly between its nodes;
#   loo           density.lpp(at="points")'s leave-one-out: plain minus the "onestep" self term
#                 (densitypointsLPP, fastmethod = "onestep", floored at 1/|L|), recomputed here from
#                 the same run (checked equal to density.lpp(at="points") at the default settings);
#   loo_lin       plain_lin minus the same self term.
args <- commandArgs(trailingOnly = TRUE)
what <- if (length(args)) args[1] else "heat"
suppressMessages(library(spatstat.linnet))
X <- chicago
L <- as.linnet(X)
sigma <- 100
writeLines(c(paste("R", R.version.string),
             paste("spatstat.linnet", packageVersion("spatstat.linnet")),
             paste("spatstat.geom", packageVersion("spatstat.geom")),
             paste("spatstat.data", packageVersion("spatstat.data"))), "versions.txt")
timings <- if (file.exists("timings.txt")) readLines("timings.txt") else character(0)
timed <- function(label, expr) {
  t0 <- Sys.time(); val <- force(expr); dt <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
  timings <<- c(timings[!startsWith(timings, label)], sprintf("%-50s %9.2f s", label, dt))
  writeLines(timings, "timings.txt")
  val
}
out <- function(df, file) write.csv(df, file, row.names = FALSE)

# 1. The crimes' own network coordinates (segment = row of chicago_network_segments.csv, 1-based;
#    tp = fraction along it from (x0,y0)), in the ppx order used by chicago_crimes.csv.
co <- coords(X)
out(data.frame(id = seq_len(npoints(X)), x = co$x, y = co$y, seg = as.integer(co$seg), tp = co$tp),
    "chicago_positions.csv")

# 2. Query positions along the network: midpoints of 10-unit lixels, the rule of
#    network::Lixelization (n = max(1, round(len / 10)) equal pieces per segment).
len <- lengths_psp(as.psp(L))
n <- pmax(1, round(len / 10))
seg <- rep(seq_along(len), n)
tp <- unlist(lapply(n, function(k) (seq_len(k) - 0.5) / k))
Q <- lpp(data.frame(seg = seg, tp = tp), L)

# Linear interpolation of a grid solution between its nodes. FDMKERNEL's node table lists the
# network's vertices first (in vertex order), then the interior nodes with their coarse (seg, tp).
interpolator <- function(df) {
  nv <- nvertices(L)
  inner <- df[-seq_len(nv), ]
  by_seg <- split(inner, factor(inner$seg, levels = seq_along(len)))
  function(qseg, qtp) {
    res <- numeric(length(qseg))
    for (s in unique(qseg)) {
      k <- which(qseg == s)
      d <- by_seg[[s]]
      d <- d[order(d$tp), ]
      res[k] <- approx(c(0, d$tp, 1), c(df$values[L$from[s]], d$values, df$values[L$to[s]]), xout = qtp[k])$y
    }
    res
  }
}

# spatstat's onestep self term (densitypointsLPP), for leave-one-out at the points.
self_term <- local({
  pos <- len[co$seg] * co$tp
  vv <- vertexdegree(L)
  dl <- vv[L$from[co$seg]]; dr <- vv[L$to[co$seg]]
  k0 <- pmax(0, dnorm(0, 0, sigma) + (2 / dl - 1) * dnorm(2 * pos, 0, sigma) +
                (2 / dr - 1) * dnorm(2 * (len[co$seg] - pos), 0, sigma))
  pmax(k0, 1 / volume(L))
})

p0 <- spatstat.linnet:::resolve.heat.steps(sigma, L = L, verbose = FALSE)
runs <- if (file.exists("heat_runs.csv")) read.csv("heat_runs.csv") else NULL
heat <- function(tag, dx = NULL, dt = NULL) {
  p <- spatstat.linnet:::resolve.heat.steps(sigma, L = L, dx = dx, dt = dt, verbose = FALSE)
  label <- sprintf("heat %s dx=%.4f dt=%.5f niter=%d", tag, p$dx, p$dt, p$niter)
  a <- timed(label, spatstat.linnet:::FDMKERNEL(lppobj = X, dtx = p$dx, dtt = p$dt, M = p$niter, nsave = 1,
                                                 stepnames = list(time = "dt", space = "dx")))
  lin <- interpolator(a$df)
  plain <- as.numeric(a$kernel_fun(X))
  plain_lin <- lin(co$seg, co$tp)
  suffix <- if (tag == "default") "" else paste0("_", tag)
  out(data.frame(id = seq_len(npoints(X)), loo = pmax(0, plain - self_term), plain = plain,
                 loo_lin = pmax(0, plain_lin - self_term), plain_lin = plain_lin),
      paste0("heat_points", suffix, ".csv"))
  out(data.frame(seg = seg, tp = tp, value = as.numeric(a$kernel_fun(Q)), value_lin = lin(seg, tp)),
      paste0("heat_lixels", suffix, ".csv"))
  runs <<- rbind(if (is.null(runs)) NULL else runs[runs$tag != tag, , drop = FALSE],
                 data.frame(tag = tag, dx = p$dx, dt = p$dt, niter = p$niter, nodes = nrow(a$df)))
  out(runs, "heat_runs.csv")
  invisible(plain)
}

# Further arguments choose the heat runs (default: all four, coarse to fine).
heat_runs <- if (length(args) > 1) args[-1] else c("default", "dtquarter", "dxhalf", "dxquarter")
if (what %in% c("heat", "all")) for (tag in heat_runs) {
  if (tag == "default") {
    plain <- heat("default")
    # The shortcut above is what density.lpp(at = "points") does; check it once.
    loo <- timed("density.lpp at=points heat default (check)", density.lpp(X, sigma, at = "points"))
    stopifnot(isTRUE(all.equal(as.numeric(loo), pmax(0, plain - self_term), tolerance = 1e-12)))
  }
  # dx must be given with dt: from dt alone resolve.heat.steps derives dx = sqrt(dt AMbound / 0.95).
  if (tag == "dtquarter") heat("dtquarter", dx = p0$dx, dt = p0$dt / 4)
  if (tag == "dxhalf") heat("dxhalf", dx = p0$dx / 2)
  if (tag == "dxquarter") heat("dxquarter", dx = p0$dx / 4)
}

if (what %in% c("equalsplit", "all")) {
  es <- function(eps, at) timed(sprintf("densityEqualSplit gaussian eps=%g at=%s", eps, at),
    densityEqualSplit(X, sigma, kernel = "gaussian", continuous = TRUE, epsilon = eps, at = at,
                      verbose = FALSE, savehistory = FALSE))
  e3 <- es(1e-3, "points")
  out(data.frame(id = seq_len(npoints(X)), value = as.numeric(e3)), "equalsplit_points_eps1e-3.csv")
  e4 <- es(1e-4, "points")
  out(data.frame(id = seq_len(npoints(X)), value = as.numeric(e4)), "equalsplit_points_eps1e-4.csv")
  ep <- es(1e-3, "pixels")
  df <- attr(ep, "df")
  out(data.frame(seg = as.integer(df$mapXY), tp = df$tp, value = df$values), "equalsplit_pixels_eps1e-3.csv")
}

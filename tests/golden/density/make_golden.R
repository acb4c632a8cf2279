# Golden reference values for tests/density/chicago_reference_test.cpp.
# Run from this folder:  Rscript make_golden.R   (about 6 minutes; writes *.csv and timings.txt)
# Needs spatstat.linnet (Debian r-cran-spatstat.linnet); versions are written to versions.txt.
# Everything is spatstat's `chicago` (spatstat.data), sigma = 100 (same units as the data, feet).
suppressMessages(library(spatstat.linnet))
X <- chicago
L <- as.linnet(X)
sigma <- 100
writeLines(c(paste("R", R.version.string),
             paste("spatstat.linnet", packageVersion("spatstat.linnet")),
             paste("spatstat.geom", packageVersion("spatstat.geom")),
             paste("spatstat.data", packageVersion("spatstat.data"))), "versions.txt")
timings <- character(0)
timed <- function(label, expr) {
  t0 <- Sys.time(); val <- force(expr); dt <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
  timings <<- c(timings, sprintf("%-45s %8.2f s", label, dt)); writeLines(timings, "timings.txt")
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

heat <- function(dx, tag) {
  # densityfun gives the same finite-difference solution density.lpp(at="pixels") images;
  # at="points" is leave-one-out (spatstat's fast "onestep" self-term), loo=FALSE is the plain value.
  f <- timed(paste("densityfun heat", tag), if (is.null(dx)) densityfun(X, sigma) else densityfun(X, sigma, dx = dx))
  net <- f(Q)
  loo <- timed(paste("density.lpp at=points heat", tag),
               if (is.null(dx)) density.lpp(X, sigma, at = "points") else density.lpp(X, sigma, at = "points", dx = dx))
  noloo <- if (is.null(dx)) density.lpp(X, sigma, at = "points", leaveoneout = FALSE)
           else density.lpp(X, sigma, at = "points", leaveoneout = FALSE, dx = dx)
  list(net = net, loo = as.numeric(loo), noloo = as.numeric(noloo))
}
p <- spatstat.linnet:::resolve.heat.steps(sigma, L = L, verbose = FALSE)
h1 <- heat(NULL, sprintf("default dx=%.4f", p$dx))
out(data.frame(id = seq_len(npoints(X)), loo = h1$loo, plain = h1$noloo), "heat_points.csv")
out(data.frame(seg = seg, tp = tp, value = h1$net), "heat_lixels.csv")

es <- function(eps, at) timed(sprintf("densityEqualSplit gaussian eps=%g at=%s", eps, at),
  densityEqualSplit(X, sigma, kernel = "gaussian", continuous = TRUE, epsilon = eps, at = at,
                    verbose = FALSE, savehistory = FALSE))
e3 <- es(1e-3, "points")
out(data.frame(id = seq_len(npoints(X)), value = as.numeric(e3)), "equalsplit_points_eps1e-3.csv")
e4 <- es(1e-4, "points")
out(data.frame(id = seq_len(npoints(X)), value = as.numeric(e4)), "equalsplit_points_eps1e-4.csv")

h2 <- heat(p$dx / 2, sprintf("dx=%.4f", p$dx / 2))
out(data.frame(id = seq_len(npoints(X)), loo = h2$loo, plain = h2$noloo), "heat_points_dxhalf.csv")
out(data.frame(seg = seg, tp = tp, value = h2$net), "heat_lixels_dxhalf.csv")

ep <- es(1e-3, "pixels")
df <- attr(ep, "df")
out(data.frame(seg = as.integer(df$mapXY), tp = df$tp, value = df$values), "equalsplit_pixels_eps1e-3.csv")

h4 <- heat(p$dx / 4, sprintf("dx=%.4f", p$dx / 4))
out(data.frame(id = seq_len(npoints(X)), loo = h4$loo, plain = h4$noloo), "heat_points_dxquarter.csv")
out(data.frame(seg = seg, tp = tp, value = h4$net), "heat_lixels_dxquarter.csv")

#!/usr/bin/env Rscript
# Golden values for tests/hotspot/chicago_golden_test.cpp: spdep::localG and
# spdep::localmoran on spatstat's `chicago` street network, per segment, with
# weights built here independently of Tryggve:
#   - network distances between segment midpoints from spatstat.linnet::pairdist.lpp
#     (shortest paths along the linnet), band 300 ft, self included (Gi*) or not;
#   - contiguity: segments sharing a vertex of the linnet;
#   - inverse distance 1 / max(d, 1 ft) and the quartic kernel (1 - (d/300)^2)^2 on the
#     band, self weight f(0) = 1 (as Tryggve's min_distance_m = 1 and K(0) = 1).
# Counts: the crimes of ../shared/data/incidents/chicago_spatstat/chicago_crimes.csv,
# each put on its nearest segment (first segment on ties), as tests/support/chicago.hpp does.
#
# Run from the repository root:
#   Rscript tests/golden/hotspot/make_chicago_golden.R ../shared/data/incidents/chicago_spatstat
suppressMessages({ library(spatstat.linnet); library(spdep) })
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args)) args[1] else "../shared/data/incidents/chicago_spatstat"
out <- "tests/golden/hotspot"

segs <- read.csv(file.path(dir, "chicago_network_segments.csv"))
crimes <- read.csv(file.path(dir, "chicago_crimes.csv"))
L <- domain(chicago)
ends <- as.data.frame(as.psp(L)$ends)
stopifnot(nrow(segs) == nsegments(L),
          max(abs(as.matrix(segs[, c("x0", "y0", "x1", "y1")]) - as.matrix(ends))) < 1e-9)
n <- nrow(segs)

# Nearest segment for each crime (projection clamped to the segment).
nearest <- function(px, py) {
  dx <- segs$x1 - segs$x0; dy <- segs$y1 - segs$y0
  t <- ((px - segs$x0) * dx + (py - segs$y0) * dy) / (dx * dx + dy * dy)
  t <- pmin(1, pmax(0, t))
  d <- sqrt((segs$x0 + t * dx - px)^2 + (segs$y0 + t * dy - py)^2)
  which.min(d)
}
seg_of <- mapply(nearest, crimes$x, crimes$y)
count <- tabulate(seg_of, nbins = n)

# Network distances between segment midpoints.
mids <- lpp(data.frame(seg = seq_len(n), tp = 0.5), L)
D <- pairdist(mids)
band <- 300
nb_list <- function(include_self) {
  nb <- lapply(seq_len(n), function(i) {
    j <- which(D[i, ] <= band)
    j <- if (include_self) j else setdiff(j, i)
    if (length(j) == 0) 0L else as.integer(sort(j))
  })
  class(nb) <- "nb"
  attr(nb, "region.id") <- as.character(seq_len(n))
  if (include_self) attr(nb, "self.included") <- TRUE
  nb
}
nb_band_self <- nb_list(TRUE)
nb_band <- nb_list(FALSE)

# Contiguity: segments sharing a linnet vertex.
from <- L$from; to <- L$to
nb_contig <- lapply(seq_len(n), function(i) {
  v <- c(from[i], to[i])
  j <- setdiff(which(from %in% v | to %in% v), i)
  if (length(j) == 0) 0L else as.integer(sort(j))
})
class(nb_contig) <- "nb"
attr(nb_contig, "region.id") <- as.character(seq_len(n))
nb_contig_self <- include.self(nb_contig)

lw <- function(nb, style) nb2listw(nb, style = style, zero.policy = TRUE)
G <- function(nb, style) as.numeric(localG(count, lw(nb, style), zero.policy = TRUE))

# Distance-valued weights on the band: inverse distance 1 / max(d, 1 ft) and the
# quartic kernel (1 - (d / 300)^2)^2, each with f(0) = 1 for self.
glist_of <- function(nb, f) lapply(seq_len(n), function(i) {
  j <- nb[[i]]
  if (length(j) == 1 && j == 0) return(NULL)
  f(ifelse(j == i, 0, D[i, j]))
})
idw <- function(d) 1 / pmax(d, 1)
quartic <- function(d) (1 - (d / band)^2)^2
lwg <- function(nb, style, f) nb2listw(nb, glist = glist_of(nb, f), style = style, zero.policy = TRUE)
lm_idw <- localmoran(count, lwg(nb_band, "W", idw), zero.policy = TRUE)

lm_c <- localmoran(count, lw(nb_band, "W"), zero.policy = TRUE)
lm_t <- localmoran(count, lw(nb_band, "W"), zero.policy = TRUE, conditional = FALSE)
lm_b <- localmoran(count, lw(nb_contig, "B"), zero.policy = TRUE)

res <- data.frame(
  segment = seq_len(n) - 1L,  # 0-based, as Tryggve's edge ids
  count = count,
  card_band = card(nb_band),
  card_contig = card(nb_contig),
  # sum of the network distances to the band neighbours: checks the weights themselves
  dist_sum_band = sapply(seq_len(n), function(i) sum(D[i, nb_band[[i]][nb_band[[i]] > 0]])),
  gstar_band_B = G(nb_band_self, "B"),
  gstar_band_W = G(nb_band_self, "W"),
  gstar_contig_B = G(nb_contig_self, "B"),
  gstar_contig_W = G(nb_contig_self, "W"),
  gi_band_B = G(nb_band, "B"),
  gi_contig_W = G(nb_contig, "W"),
  moran_band_W_Ii = lm_c[, "Ii"], moran_band_W_EIi = lm_c[, "E.Ii"],
  moran_band_W_VarIi = lm_c[, "Var.Ii"], moran_band_W_ZIi = lm_c[, "Z.Ii"],
  moran_band_W_total_VarIi = lm_t[, "Var.Ii"], moran_band_W_total_ZIi = lm_t[, "Z.Ii"],
  moran_contig_B_ZIi = lm_b[, "Z.Ii"],
  gstar_idw_B = as.numeric(localG(count, lwg(nb_band_self, "B", idw), zero.policy = TRUE)),
  gstar_idw_W = as.numeric(localG(count, lwg(nb_band_self, "W", idw), zero.policy = TRUE)),
  gstar_kernel_B = as.numeric(localG(count, lwg(nb_band_self, "B", quartic), zero.policy = TRUE)),
  gstar_kernel_W = as.numeric(localG(count, lwg(nb_band_self, "W", quartic), zero.policy = TRUE)),
  moran_idw_W_Ii = lm_idw[, "Ii"], moran_idw_W_ZIi = lm_idw[, "Z.Ii"]
)
header <- sprintf("# spdep %s, spatstat.linnet %s, R %s; made by make_chicago_golden.R",
                  packageVersion("spdep"), packageVersion("spatstat.linnet"), getRversion())
con <- file(file.path(out, "chicago_localG.csv"), "w")
writeLines(header, con)
write.csv(res, con, row.names = FALSE)
close(con)

# Benjamini-Hochberg on the analytical p of Gi* (band, B).
p <- 2 * pnorm(abs(res$gstar_band_B), lower.tail = FALSE)
con <- file(file.path(out, "chicago_bh.csv"), "w")
writeLines(header, con)
write.csv(data.frame(p = p, p_bh = p.adjust(p, "BH")), con, row.names = FALSE)
close(con)
cat("segments", n, "crimes", sum(count), "mean band cardinality", mean(card(nb_band)),
    "spatstat seg agrees with nearest:", mean(chicago$data$seg == seg_of), "\n")

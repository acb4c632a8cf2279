#!/usr/bin/env Rscript
# Golden values for tests/hotspot/geodanet_golden_test.cpp: spdep::localG and
# spdep::localmoran on GeoDaNet's Mesa, Arizona streets (libpysal's geodanet
# example: 293 street lines, 287 crimes, Arizona State Plane feet), one unit per
# street line, with weights built here independently of Tryggve:
#   - the streets as a spatstat linnet: every line's vertices, consecutive pairs as
#     segments, identical coordinates one vertex (what Tryggve's shared_vertices noding does);
#   - network distances between the lines' midpoints (half their length along the
#     line) from spatstat.linnet::pairdist.lpp; band 1000 ft;
#   - contiguity: lines sharing an end point.
# Weight schemes: distance band (binary, row-standardised), inverse distance
# (1 / max(d, 1 ft), self 1, binary and row), quartic kernel (1 - (d/1000)^2)^2
# (self 1), contiguity (binary and row).
# Counts: each crime on its nearest line (perpendicular distance to the line's pieces).
#
# Run from the repository root:
#   Rscript tests/golden/hotspot/make_geodanet_golden.R ../shared/data/incidents/geodanet
suppressMessages({ library(sf); library(spatstat.linnet); library(spdep) })
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args)) args[1] else "../shared/data/incidents/geodanet"
out <- "tests/golden/hotspot"

streets <- st_read(file.path(dir, "streets.shp"), quiet = TRUE)
crimes <- st_read(file.path(dir, "crimes.shp"), quiet = TRUE)
n <- nrow(streets)
xy <- st_coordinates(streets)
lines <- lapply(seq_len(n), function(l) xy[xy[, "L1"] == l, c("X", "Y"), drop = FALSE])

# One psp segment per pair of consecutive vertices; remember which line and where.
piece <- do.call(rbind, lapply(seq_len(n), function(l) {
  p <- lines[[l]]
  k <- nrow(p) - 1
  len <- sqrt(rowSums((p[-1, , drop = FALSE] - p[-nrow(p), , drop = FALSE])^2))
  data.frame(line = l, x0 = p[1:k, 1], y0 = p[1:k, 2], x1 = p[2:(k + 1), 1], y1 = p[2:(k + 1), 2],
             len = len, start = c(0, cumsum(len))[1:k])
}))
stopifnot(all(piece$len > 0))
win <- owin(range(c(piece$x0, piece$x1)) + c(-10, 10), range(c(piece$y0, piece$y1)) + c(-10, 10))
# linnet() from vertices and edges, not as.linnet.psp: the latter also splits lines
# where they cross without a shared vertex (8 places here: over- and underpasses as
# far as the data tell), which shared_vertices noding does not.
vkey <- unique(c(paste(piece$x0, piece$y0), paste(piece$x1, piece$y1)))
vxy <- do.call(rbind, lapply(strsplit(vkey, " "), as.numeric))
from <- match(paste(piece$x0, piece$y0), vkey); to <- match(paste(piece$x1, piece$y1), vkey)
L <- linnet(ppp(vxy[, 1], vxy[, 2], window = win), edges = cbind(from, to), sparse = TRUE)
stopifnot(nsegments(L) == nrow(piece), all(L$from == from), all(L$to == to))
line_len <- tapply(piece$len, piece$line, sum)

# Midpoints of the lines as points on the linnet.
mid <- t(sapply(seq_len(n), function(l) {
  h <- line_len[l] / 2
  k <- which(piece$line == l & piece$start <= h & piece$start + piece$len >= h)[1]
  c(k, (h - piece$start[k]) / piece$len[k])
}))
mids <- lpp(data.frame(seg = as.integer(mid[, 1]), tp = mid[, 2]), L)
D <- pairdist(mids)

# Nearest line of each crime.
cxy <- st_coordinates(crimes)
nearest <- function(px, py) {
  dx <- piece$x1 - piece$x0; dy <- piece$y1 - piece$y0
  t <- pmin(1, pmax(0, ((px - piece$x0) * dx + (py - piece$y0) * dy) / (dx * dx + dy * dy)))
  d <- sqrt((piece$x0 + t * dx - px)^2 + (piece$y0 + t * dy - py)^2)
  piece$line[which.min(d)]
}
line_of <- mapply(nearest, cxy[, 1], cxy[, 2])
count <- tabulate(line_of, nbins = n)

band <- 1000
mk_nb <- function(rows, self) {
  nb <- lapply(seq_len(n), function(i) {
    j <- rows[[i]]
    j <- if (self) sort(unique(c(j, i))) else setdiff(j, i)
    if (length(j) == 0) 0L else as.integer(sort(j))
  })
  class(nb) <- "nb"
  attr(nb, "region.id") <- as.character(seq_len(n))
  if (self) attr(nb, "self.included") <- TRUE
  nb
}
band_rows <- lapply(seq_len(n), function(i) which(D[i, ] <= band))
nb_band <- mk_nb(band_rows, FALSE)
nb_band_self <- mk_nb(band_rows, TRUE)
ends <- t(sapply(lines, function(p) c(p[1, ], p[nrow(p), ])))
key0 <- paste(ends[, 1], ends[, 2]); key1 <- paste(ends[, 3], ends[, 4])
contig_rows <- lapply(seq_len(n), function(i) {
  v <- c(key0[i], key1[i])
  which(key0 %in% v | key1 %in% v)
})
nb_contig <- mk_nb(contig_rows, FALSE)
nb_contig_self <- mk_nb(contig_rows, TRUE)

# General weights on a neighbour list: f(distance), with f(0) for self.
glist_of <- function(nb, f) lapply(seq_len(n), function(i) {
  j <- nb[[i]]
  if (length(j) == 1 && j == 0) return(NULL)
  f(ifelse(j == i, 0, D[i, j]))
})
idw <- function(d) 1 / pmax(d, 1)
quartic <- function(d) (1 - (d / band)^2)^2
lw <- function(nb, style, glist = NULL) nb2listw(nb, glist = glist, style = style, zero.policy = TRUE)
G <- function(l) as.numeric(localG(count, l, zero.policy = TRUE))

lm_band <- localmoran(count, lw(nb_band, "W"), zero.policy = TRUE)
lm_idw <- localmoran(count, lw(nb_band, "W", glist_of(nb_band, idw)), zero.policy = TRUE)
lm_contig <- localmoran(count, lw(nb_contig, "B"), zero.policy = TRUE)

res <- data.frame(
  line = seq_len(n) - 1L,  # 0-based feature index of streets.shp
  count = count,
  length = as.numeric(line_len),
  card_band = card(nb_band),
  card_contig = card(nb_contig),
  dist_sum_band = sapply(seq_len(n), function(i) sum(D[i, nb_band[[i]][nb_band[[i]] > 0]])),
  gstar_band_B = G(lw(nb_band_self, "B")),
  gstar_band_W = G(lw(nb_band_self, "W")),
  gstar_idw_B = G(lw(nb_band_self, "B", glist_of(nb_band_self, idw))),
  gstar_idw_W = G(lw(nb_band_self, "W", glist_of(nb_band_self, idw))),
  gstar_kernel_B = G(lw(nb_band_self, "B", glist_of(nb_band_self, quartic))),
  gstar_contig_B = G(lw(nb_contig_self, "B")),
  gstar_contig_W = G(lw(nb_contig_self, "W")),
  gi_band_B = G(lw(nb_band, "B")),
  gi_idw_W = G(lw(nb_band, "W", glist_of(nb_band, idw))),
  moran_band_W_Ii = lm_band[, "Ii"], moran_band_W_ZIi = lm_band[, "Z.Ii"],
  moran_idw_W_Ii = lm_idw[, "Ii"], moran_idw_W_ZIi = lm_idw[, "Z.Ii"],
  moran_contig_B_ZIi = lm_contig[, "Z.Ii"]
)
header <- sprintf("# spdep %s, spatstat.linnet %s, sf %s, R %s; made by make_geodanet_golden.R",
                  packageVersion("spdep"), packageVersion("spatstat.linnet"), packageVersion("sf"), getRversion())
con <- file(file.path(out, "geodanet_localG.csv"), "w")
writeLines(header, con)
write.csv(res, con, row.names = FALSE)
close(con)
cat("lines", n, "crimes", sum(count), "pieces", nrow(piece), "mean band cardinality", mean(card(nb_band)),
    "isolates", sum(card(nb_band) == 0), "\n")

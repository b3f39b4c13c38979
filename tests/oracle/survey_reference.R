# Reference survey estimates from R's `survey` package: an outside oracle for dharm's estimates.
#
# Run from the repository root:
#     Rscript tests/oracle/survey_reference.R
# It reads the committed synthetic microdata (data/cambodia/survey/*_synthetic.csv) and the
# indicator definitions (data/codebook/indicators.csv), and writes
# tests/oracle/r_survey_reference.csv. tests/test_r_oracle.py compares dharm with that file and
# does not need R. Needs R and the `survey` package (Debian: apt-get install r-cran-survey).
#
# Cells are named below by (indicator_id, breakdown, group) only: what an indicator counts
# (variables, positive codes, universe) is read from indicators.csv, never re-typed here.

suppressPackageStartupMessages(library(survey))

DATA <- "data/cambodia/survey"
INDICATORS <- "data/codebook/indicators.csv"
OUT <- "tests/oracle/r_survey_reference.csv"

if (!file.exists(INDICATORS)) stop("run from the repository root: ", INDICATORS, " not found")

cell <- function(indicator_id, breakdown, group) {
  data.frame(indicator_id = indicator_id, breakdown = breakdown, group = group, stringsAsFactors = FALSE)
}

# ---- cells begin (tests/test_r_oracle.py parses this block: one cell(indicator_id, breakdown, group) per line)
cells <- rbind(
  cell("child_daily_internet", "total", "Total"),                     # total
  cell("child_barrier_any", "sex", "boy"),                            # sex; indicator over several variables
  cell("child_phone_shared", "age_group", "16-17"),                   # age_group; follow-up (smartphone users)
  cell("child_device_computer", "area", "urban"),                     # area (= a stratum); 6 positives
  cell("child_met_feeling_upset", "total", "Total"),                  # follow-up: met someone in person; 4 positives
  cell("child_met_feeling_upset", "sex", "girl"),                     # small domain (n = 42), 3 positives
  cell("child_share_reason_flirting", "area", "urban"),               # small domain (n = 24) of a follow-up
  cell("child_freq_less", "age_group", "16-17"),                      # rare outcome: 1 positive in 342
  cell("child_ocsea_money_for_images_online", "sex", "girl"),         # rare outcome: 5 positives
  cell("child_accident_where_search", "sex", "girl"),                 # universe 'x in [3, 4]'; rare outcome
  cell("child_accepted_money_for_images", "total", "Total"),          # universe 'age >= 15'
  cell("child_phone_shared_friend", "age_split", "12-15"),            # age_split; follow-up
  cell("caregiver_infrequent_internet", "total", "Total"),            # caregivers
  cell("caregiver_skill_report", "area", "rural"),                    # caregivers; universe 'x in [1, ..., 5]'
  cell("roster_internet_user", "total", "Total"),                     # household roster
  cell("roster_internet_user", "age_group", "12-13")                  # household roster by age group
)
# ---- cells end

indicators <- read.csv(INDICATORS, colClasses = "character", na.strings = character(0))
rownames(indicators) <- indicators$indicator_id

read_survey <- function(file) {
  d <- read.csv(file.path(DATA, paste0(file, "_synthetic.csv")), na.strings = "", stringsAsFactors = FALSE,
                check.names = FALSE)
  for (col in intersect(c("psu", "stratum", "sex", "age_group", "age_split", "area"), names(d))) {
    d[[col]] <- as.character(d[[col]])
  }
  d$weight <- as.numeric(d$weight)
  d
}

# Universe rules are written for pandas' DataFrame.eval: 'a == 1', 'a in [3, 4]', 'age >= 15',
# possibly joined by 'and' / 'or'. Translate that small grammar into R and refuse anything else
# (e.g. '!=' or 'not', whose treatment of missing answers differs between pandas and R).
universe_mask <- function(d, rule) {
  if (rule == "") return(rep(TRUE, nrow(d)))
  if (grepl("!=|\\bnot\\b", rule)) stop("universe rule not supported by this oracle: ", rule)
  expr <- rule
  expr <- gsub("\\bin\\s*\\[", "%in% c(", expr, perl = TRUE)
  expr <- gsub("\\]", ")", expr)
  expr <- gsub("\\band\\b", "&", expr, perl = TRUE)
  expr <- gsub("\\bor\\b", "|", expr, perl = TRUE)
  names_used <- setdiff(regmatches(rule, gregexpr("[A-Za-z_][A-Za-z0-9_]*", rule))[[1]], c("in", "and", "or"))
  unknown <- setdiff(names_used, names(d))
  if (length(unknown)) stop("universe rule ", rule, " names unknown column(s) ", paste(unknown, collapse = ", "))
  m <- eval(parse(text = expr), envir = d)
  # pandas: a comparison with a missing value is False, so records not asked the filter question are out
  m[is.na(m)] <- FALSE
  as.logical(m)
}

# Indicator = 1 when any of its '|'-separated variables takes one of its ';'-separated codes AND
# the record is in the universe; records in the universe that were not asked count as 0.
add_indicator <- function(d, ind) {
  codes <- as.numeric(strsplit(ind$positive_codes, ";", fixed = TRUE)[[1]])
  vars <- strsplit(ind$variable, "|", fixed = TRUE)[[1]]
  positive <- Reduce(`|`, lapply(vars, function(v) d[[v]] %in% codes))  # NA %in% codes is FALSE
  d$in_universe <- universe_mask(d, ind$universe)
  d$y <- as.numeric(positive & d$in_universe)
  d
}

surveys <- list()
rows <- list()
for (i in seq_len(nrow(cells))) {
  cl <- cells[i, ]
  if (!cl$indicator_id %in% indicators$indicator_id) stop("unknown indicator ", cl$indicator_id)
  ind <- indicators[cl$indicator_id, ]
  if (is.null(surveys[[ind$file]])) surveys[[ind$file]] <- read_survey(ind$file)
  d <- add_indicator(surveys[[ind$file]], ind)
  d$in_group <- if (cl$breakdown == "total") TRUE else d[[cl$breakdown]] == cl$group
  d$in_cell <- d$in_universe & d$in_group

  full <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d, nest = TRUE)
  # The cell is a domain of the FULL design: subset the design object, never the data frame,
  # so every PSU and stratum stays in the variance computation.
  dom <- subset(full, in_cell)

  m_wr <- svymean(~y, dom, deff = "replace")  # deff against simple random sampling WITH replacement
  m_kish <- svymean(~y, dom, deff = TRUE)     # Kish's deff: SRS without replacement, finite population
  # Degrees of freedom: svyciprop's default, degf(dom) = PSUs minus strata among those holding at
  # least one record of the domain (R's convention for a subset design, and dharm's). For a domain
  # that reaches every PSU this is the full design's 100 - 2 = 98.
  ci <- svyciprop(~y, dom, method = "logit", level = 0.95)
  ci_bounds <- as.vector(attr(ci, "ci"))
  # For comparison only: the same interval with the full design's df.
  ci_full <- svyciprop(~y, dom, method = "logit", df = degf(full), level = 0.95)
  ci_full_bounds <- as.vector(attr(ci_full, "ci"))

  rows[[i]] <- data.frame(
    indicator_id = cl$indicator_id, file = ind$file, breakdown = cl$breakdown, group = cl$group,
    estimate = 100 * as.vector(coef(m_wr)),
    se = 100 * as.vector(SE(m_wr)),
    ci_low = 100 * ci_bounds[1],
    ci_high = 100 * ci_bounds[2],
    deff_replace = as.vector(deff(m_wr)),
    deff_kish = as.vector(deff(m_kish)),
    n = sum(d$in_cell),
    n_positive = sum(d$y[d$in_cell]),
    weighted_base = sum(weights(dom, "sampling")),
    df_full = degf(full),
    df_domain = degf(dom),
    ci_low_full_df = 100 * ci_full_bounds[1],
    ci_high_full_df = 100 * ci_full_bounds[2],
    stringsAsFactors = FALSE
  )
  # svyciprop's logit centre is expit(coef(svyglm)), equal to the mean up to the IRLS tolerance
  stopifnot(abs(as.vector(ci) - as.vector(coef(m_wr))) < 1e-8)
}
out <- do.call(rbind, rows)

num <- c("estimate", "se", "ci_low", "ci_high", "deff_replace", "deff_kish", "weighted_base",
         "ci_low_full_df", "ci_high_full_df")
for (col in num) out[[col]] <- sprintf("%.15g", out[[col]])
for (col in c("n", "n_positive", "df_full", "df_domain")) out[[col]] <- sprintf("%d", as.integer(out[[col]]))

inputs <- c(file.path(DATA, paste0(c("children", "caregivers", "household_roster"), "_synthetic.csv")),
            "data/codebook/indicators.csv")
digests <- paste(sprintf("%s=%s", basename(inputs), unname(tools::md5sum(inputs))), collapse = " ")
header <- sprintf("# produced by Rscript tests/oracle/survey_reference.R with %s, survey %s; do not edit by hand; inputs md5: %s",
                  R.version.string, as.character(packageVersion("survey")), digests)
con <- file(OUT, "w")
writeLines(header, con)
write.csv(out, con, row.names = FALSE, quote = FALSE)
close(con)
cat("wrote", OUT, "with", nrow(out), "cells\n")

/*
 * report_icp.h -- the ICP fit x engagement matrix as the report draws it
 * (src/report/icp_sec.c): the counts of an ICP model's decisions per
 * (tier, band), made where the model lives (src/lua/l_report_icp.c,
 * counting with revl_dframe_matrix).  Kept apart from report.h: the
 * binding that fills it needs this struct only.
 */
#ifndef REVL_REPORT_ICP_H
#define REVL_REPORT_ICP_H

#include <stddef.h>
#include <stdint.h>

typedef struct revl_report_icp {
  const char *model;          /* the model's name ("" when unnamed) */
  const char *table;          /* the table it scores ("accounts") */
  int32_t as_of;              /* of the decisions */
  size_t n;                   /* records scored */
  int ntiers, nbands;         /* nbands 0: the model scores no engagement */
  const char *const *tiers;   /* ntiers labels, best first */
  const char *const *bands;   /* nbands labels */
  const size_t *counts;       /* ntiers * nbands: tier t, band b at t * nbands + b */
  size_t unplaced;            /* records without a tier or a band */
  int window;                 /* engagement: days of activities counted */
  int decays;                 /* engagement: older activities weigh less */
} revl_report_icp;

#endif

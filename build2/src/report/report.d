build2/src/report/report.o: src/report/report.c include/revl/csvw.h \
 include/revl/common.h include/revl/metric_closed.h include/revl/frame.h \
 include/revl/store.h include/revl/metric.h include/revl/metric_deals.h \
 include/revl/metric_quota.h include/revl/metric_revenue.h \
 include/revl/parse.h include/revl/report.h include/revl/report_icp.h \
 include/revl/sbuf.h src/report/rep.h
include/revl/csvw.h:
include/revl/common.h:
include/revl/metric_closed.h:
include/revl/frame.h:
include/revl/store.h:
include/revl/metric.h:
include/revl/metric_deals.h:
include/revl/metric_quota.h:
include/revl/metric_revenue.h:
include/revl/parse.h:
include/revl/report.h:
include/revl/report_icp.h:
include/revl/sbuf.h:
src/report/rep.h:

build2/src/report/stages_sec.o: src/report/stages_sec.c src/report/rep.h \
 include/revl/metric.h include/revl/common.h include/revl/frame.h \
 include/revl/store.h include/revl/report.h include/revl/report_icp.h \
 include/revl/sbuf.h include/revl/metric_stages.h include/revl/parse.h
src/report/rep.h:
include/revl/metric.h:
include/revl/common.h:
include/revl/frame.h:
include/revl/store.h:
include/revl/report.h:
include/revl/report_icp.h:
include/revl/sbuf.h:
include/revl/metric_stages.h:
include/revl/parse.h:

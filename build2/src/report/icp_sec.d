build2/src/report/icp_sec.o: src/report/icp_sec.c src/report/rep.h \
 include/revl/metric.h include/revl/common.h include/revl/frame.h \
 include/revl/store.h include/revl/report.h include/revl/report_icp.h \
 include/revl/sbuf.h
src/report/rep.h:
include/revl/metric.h:
include/revl/common.h:
include/revl/frame.h:
include/revl/store.h:
include/revl/report.h:
include/revl/report_icp.h:
include/revl/sbuf.h:

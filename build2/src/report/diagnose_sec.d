build2/src/report/diagnose_sec.o: src/report/diagnose_sec.c \
 src/report/rep.h include/revl/metric.h include/revl/common.h \
 include/revl/frame.h include/revl/store.h include/revl/report.h \
 include/revl/report_icp.h include/revl/sbuf.h include/revl/diagnose.h
src/report/rep.h:
include/revl/metric.h:
include/revl/common.h:
include/revl/frame.h:
include/revl/store.h:
include/revl/report.h:
include/revl/report_icp.h:
include/revl/sbuf.h:
include/revl/diagnose.h:

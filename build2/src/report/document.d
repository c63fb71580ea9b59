build2/src/report/document.o: src/report/document.c include/revl/csvw.h \
 include/revl/common.h include/revl/parse.h include/revl/report.h \
 include/revl/frame.h include/revl/store.h include/revl/report_icp.h \
 include/revl/sbuf.h src/report/rep.h include/revl/metric.h
include/revl/csvw.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/report.h:
include/revl/frame.h:
include/revl/store.h:
include/revl/report_icp.h:
include/revl/sbuf.h:
src/report/rep.h:
include/revl/metric.h:

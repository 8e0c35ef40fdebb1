"""The endpoint controllers: EndpointSlices (pkg/controller/endpointslice), the legacy Endpoints
(pkg/controller/endpoint) and EndpointSlice mirroring (pkg/controller/endpointslicemirroring).

No I/O happens here.
"""

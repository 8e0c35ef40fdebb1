# ruff: noqa: E501  (recorded kubectl output, kept verbatim)
"""kubectl v1.32's output for JSONPath templates over tests/kubectl/fixtures/jsonpath.json.

Recorded with `python -m tests.kubectl.record tests/kubectl/fixtures/jsonpath.json <TARGET> -o jsonpath=<TEMPLATE>`
(a fake API server serving the fixture; TARGET is `get pods`, `get pod nums`, `get pod 127.0.0.1` or
`get deployments`, which is empty). Each case: (target, template, exit code, stdout, stderr). Many
templates are client-go's jsonpath_test.go table adapted to objects kubectl can get.
"""

TARGETS = {'list': 'get pods', 'nums': 'get pod nums', 'ip1': 'get pod 127.0.0.1', 'empty': 'get deployments'}

CASES = [
    # kubectl get pod nums -o jsonpath='{ .status.bools }'
    ('nums', '{ .status.bools }', 0, '[true,false,true,false]',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.bools[0] }'
    ('nums', '{ .status.bools[0] }', 0, 'true',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.bools[-1] }'
    ('nums', '{ .status.bools[-1] }', 0, 'false',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.bools[0:2] }'
    ('nums', '{ .status.bools[0:2] }', 0, 'true false',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.bools[:2] }'
    ('nums', '{ .status.bools[:2] }', 0, 'true false',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.bools[:4:2] }'
    ('nums', '{ .status.bools[:4:2] }', 0, 'true true',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.ints }'
    ('nums', '{ .status.ints }', 0, '[1,2,3,4]',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.ints[-2] }'
    ('nums', '{ .status.ints[-2] }', 0, '3',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.ints[:4:2] }'
    ('nums', '{ .status.ints[:4:2] }', 0, '1 3',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.floats }'
    ('nums', '{ .status.floats }', 0, '[1,2.2,3.3,4]',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.floats[-2] }'
    ('nums', '{ .status.floats[-2] }', 0, '3.3',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.floats[0:2] }'
    ('nums', '{ .status.floats[0:2] }', 0, '1 2.2',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.mixed }'
    ('nums', '{ .status.mixed }', 0, '[true,"one",1,1.1]',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.mixed[:4:2] }'
    ('nums', '{ .status.mixed[:4:2] }', 0, 'true 1',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.points[::2] }'
    ('nums', '{ .status.points[::2] }', 0, '{"id":"i1","x":4,"y":-5} {"id":"i3","x":8,"y":3}',
     ''),
    # kubectl get pod nums -o jsonpath='{ .status.points[1::2] }'
    ('nums', '{ .status.points[1::2] }', 0, '{"id":"i2","x":-2,"y":-5,"z":1} {"id":"i5","x":0,"y":2,"z":1}',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.points[?(@.z)].id}'
    ('nums', '{.status.points[?(@.z)].id}', 0, 'i2 i5',
     ''),
    # kubectl get pod nums -o jsonpath="{.status.points[0]['id']}"
    ('nums', "{.status.points[0]['id']}", 0, 'i1',
     ''),
    # kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}, {end}{.kind}'
    ('list', '{range .items[*]}{.metadata.name}, {end}{.kind}', 0, '127.0.0.1, 127.0.0.2, nums, List',
     ''),
    # kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{end}'
    ('list', '{range .items[*]}{.metadata.name}{"\\t"}{end}', 0, '127.0.0.1\t127.0.0.2\tnums\t',
     ''),
    # kubectl get pods -o jsonpath='{.items[*].status.addresses[*].address}'
    ('list', '{.items[*].status.addresses[*].address}', 0, '127.0.0.1 127.0.0.2 127.0.0.3',
     ''),
    # kubectl get pods -o jsonpath='{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}'
    ('list', '{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}', 0, '127.0.0.1, 127.0.0.2, 127.0.0.3, ',
     ''),
    # kubectl get pods -o jsonpath='{.items[*].metadata.name}'
    ('list', '{.items[*].metadata.name}', 0, '127.0.0.1 127.0.0.2 nums',
     ''),
    # kubectl get pods -o jsonpath="{.items[*]['metadata.name', 'status.capacity']}"
    ('list', "{.items[*]['metadata.name', 'status.capacity']}", 0, '127.0.0.1 127.0.0.2 nums {"cpu":"4"} {"cpu":"8"}',
     ''),
    # kubectl get pods -o jsonpath='{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}'
    ('list', '{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}', 0, '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] [nums, ] ',
     ''),
    # kubectl get pods -o jsonpath='{.items[0].metadata.labels.kubernetes\\.io/hostname}'
    ('list', '{.items[0].metadata.labels.kubernetes\\.io/hostname}', 0, '127.0.0.1',
     ''),
    # kubectl get pods -o jsonpath='{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}'
    ('list', '{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}', 0, 'Pod',
     ''),
    # kubectl get pods -o jsonpath='{.items[?(@..ready==true)].metadata.name}'
    ('list', '{.items[?(@..ready==true)].metadata.name}', 0, '127.0.0.1',
     ''),
    # kubectl get pods -o jsonpath='{.items[?(@.metadata.annotations.color=="blue")].metadata.name}'
    ('list', '{.items[?(@.metadata.annotations.color=="blue")].metadata.name}', 0, '127.0.0.1',
     ''),
    # kubectl get pods -o jsonpath='{range .items[?(.status.phase=="Running")]}{.metadata.name}{" is Running\\n"}{end}'
    ('list', '{range .items[?(.status.phase=="Running")]}{.metadata.name}{" is Running\\n"}{end}', 0, '127.0.0.1 is Running\nnums is Running\n',
     ''),
    # kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}'
    ('list', '{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}', 0, '127.0.0.1:fake0,fake1,fake2,fake3,fake4,fake5,+127.0.0.2:baz,+nums:a,b,+',
     ''),
    # kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"~"}{range @.spec.containers[*]}{.name}{":"}{range @.another[*]}{.name}{","}{end}{"+"}{end}{"#"}{end}'
    ('list', '{range .items[*]}{.metadata.name}{"~"}{range @.spec.containers[*]}{.name}{":"}{range @.another[*]}{.name}{","}{end}{"+"}{end}{"#"}{end}', 0, '127.0.0.1~fake0:value1,value2,+fake1:value1,value2,+fake2:value1,value2,+fake3:value1,value2,+fake4:value1,value2,+fake5:value1,value2,+#127.0.0.2~baz:value1,+#nums~a:+b:+#',
     ''),
    # kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\n"}{end}'
    ('list', '{range .items[*]}{.metadata.name}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\n"}{end}', 0, '127.0.0.1\tfake0 fake1 fake2 fake3 fake4 fake5 \tfake0 fake1 fake2 fake3 fake4 fake5 \n127.0.0.2\tbaz \tbaz \nnums\ta b \ta b \n',
     ''),
    # kubectl get deployments -o jsonpath='{range .items[*]}{.metadata.name}{end}'
    ('empty', '{range .items[*]}{.metadata.name}{end}', 0, '',
     ''),
    # kubectl get deployments -o jsonpath='{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}'
    ('empty', '{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}', 0, '',
     ''),
    # kubectl get deployments -o jsonpath='{.items[0]}'
    ('empty', '{.items[0]}', 1, '',
     'error: error executing jsonpath "{.items[0]}": Error executing template: array index out of bounds: index 0, length 0. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.items[0]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "items":[]interface {}{}, "kind":"List", "metadata":map[string]interface {}{"resourceVersion":""}}\n\n\n'),
    # kubectl get deployments -o jsonpath='{.items}'
    ('empty', '{.items}', 0, '[]',
     ''),
    # kubectl get deployments -o jsonpath='{.items[*].metadata.name}'
    ('empty', '{.items[*].metadata.name}', 0, '',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[0].name}'
    ('ip1', '{.spec.containers[0].name}', 0, 'fake0',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[0:0].name}'
    ('ip1', '{.spec.containers[0:0].name}', 0, '',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[0:-1].name}'
    ('ip1', '{.spec.containers[0:-1].name}', 0, 'fake0 fake1 fake2 fake3 fake4',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[-1:0].name}'
    ('ip1', '{.spec.containers[-1:0].name}', 1, '',
     'error: error executing jsonpath "{.spec.containers[-1:0].name}": Error executing template: starting index 5 is greater than ending index 0. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.containers[-1:0].name}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"blue"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"web", "kubernetes.io/hostname":"127.0.0.1"}, "name":"127.0.0.1", "namespace":"default", "uid":"uid-127.0.0.1"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake0"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake1"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake2"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake3"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake4"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake5"}}}, "status":map[string]interface {}{"addresses":[]interface {}{map[string]interface {}{"address":"127.0.0.1", "type":"LegacyHostIP"}}, "capacity":map[string]interface {}{"cpu":"4"}, "phase":"Running", "ready":true}}\n\n\n'),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[-1].name}'
    ('ip1', '{.spec.containers[-1].name}', 0, 'fake5',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[-1:].name}'
    ('ip1', '{.spec.containers[-1:].name}', 0, 'fake5',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[-2:].name}'
    ('ip1', '{.spec.containers[-2:].name}', 0, 'fake4 fake5',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[-6].name}'
    ('ip1', '{.spec.containers[-6].name}', 0, 'fake0',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[-7].name}'
    ('ip1', '{.spec.containers[-7].name}', 1, '',
     'error: error executing jsonpath "{.spec.containers[-7].name}": Error executing template: array index out of bounds: index -1, length 6. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.containers[-7].name}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"blue"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"web", "kubernetes.io/hostname":"127.0.0.1"}, "name":"127.0.0.1", "namespace":"default", "uid":"uid-127.0.0.1"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake0"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake1"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake2"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake3"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake4"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake5"}}}, "status":map[string]interface {}{"addresses":[]interface {}{map[string]interface {}{"address":"127.0.0.1", "type":"LegacyHostIP"}}, "capacity":map[string]interface {}{"cpu":"4"}, "phase":"Running", "ready":true}}\n\n\n'),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[7:7].name}'
    ('ip1', '{.spec.containers[7:7].name}', 0, '',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[-7:-7].name}'
    ('ip1', '{.spec.containers[-7:-7].name}', 0, '',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[3:1].name}'
    ('ip1', '{.spec.containers[3:1].name}', 1, '',
     'error: error executing jsonpath "{.spec.containers[3:1].name}": Error executing template: starting index 3 is greater than ending index 1. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.containers[3:1].name}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"blue"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"web", "kubernetes.io/hostname":"127.0.0.1"}, "name":"127.0.0.1", "namespace":"default", "uid":"uid-127.0.0.1"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake0"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake1"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake2"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake3"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake4"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake5"}}}, "status":map[string]interface {}{"addresses":[]interface {}{map[string]interface {}{"address":"127.0.0.1", "type":"LegacyHostIP"}}, "capacity":map[string]interface {}{"cpu":"4"}, "phase":"Running", "ready":true}}\n\n\n'),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[-1:-2].name}'
    ('ip1', '{.spec.containers[-1:-2].name}', 1, '',
     'error: error executing jsonpath "{.spec.containers[-1:-2].name}": Error executing template: starting index 5 is greater than ending index 4. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.containers[-1:-2].name}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"blue"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"web", "kubernetes.io/hostname":"127.0.0.1"}, "name":"127.0.0.1", "namespace":"default", "uid":"uid-127.0.0.1"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake0"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake1"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake2"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake3"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake4"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake5"}}}, "status":map[string]interface {}{"addresses":[]interface {}{map[string]interface {}{"address":"127.0.0.1", "type":"LegacyHostIP"}}, "capacity":map[string]interface {}{"cpu":"4"}, "phase":"Running", "ready":true}}\n\n\n'),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[6].name}'
    ('ip1', '{.spec.containers[6].name}', 1, '',
     'error: error executing jsonpath "{.spec.containers[6].name}": Error executing template: array index out of bounds: index 6, length 6. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.containers[6].name}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"blue"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"web", "kubernetes.io/hostname":"127.0.0.1"}, "name":"127.0.0.1", "namespace":"default", "uid":"uid-127.0.0.1"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake0"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake1"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake2"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake3"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake4"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake5"}}}, "status":map[string]interface {}{"addresses":[]interface {}{map[string]interface {}{"address":"127.0.0.1", "type":"LegacyHostIP"}}, "capacity":map[string]interface {}{"cpu":"4"}, "phase":"Running", "ready":true}}\n\n\n'),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[0:7].name}'
    ('ip1', '{.spec.containers[0:7].name}', 1, '',
     'error: error executing jsonpath "{.spec.containers[0:7].name}": Error executing template: array index out of bounds: index 6, length 6. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.containers[0:7].name}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"blue"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"web", "kubernetes.io/hostname":"127.0.0.1"}, "name":"127.0.0.1", "namespace":"default", "uid":"uid-127.0.0.1"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake0"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake1"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake2"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake3"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake4"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake5"}}}, "status":map[string]interface {}{"addresses":[]interface {}{map[string]interface {}{"address":"127.0.0.1", "type":"LegacyHostIP"}}, "capacity":map[string]interface {}{"cpu":"4"}, "phase":"Running", "ready":true}}\n\n\n'),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[0:].name}'
    ('ip1', '{.spec.containers[0:].name}', 0, 'fake0 fake1 fake2 fake3 fake4 fake5',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[0:6:].name}'
    ('ip1', '{.spec.containers[0:6:].name}', 0, 'fake0 fake1 fake2 fake3 fake4 fake5',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[0:6:0].name}'
    ('ip1', '{.spec.containers[0:6:0].name}', 1, '',
     'error: error executing jsonpath "{.spec.containers[0:6:0].name}": Error executing template: step must be > 0. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.containers[0:6:0].name}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"blue"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"web", "kubernetes.io/hostname":"127.0.0.1"}, "name":"127.0.0.1", "namespace":"default", "uid":"uid-127.0.0.1"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake0"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake1"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake2"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake3"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake4"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake5"}}}, "status":map[string]interface {}{"addresses":[]interface {}{map[string]interface {}{"address":"127.0.0.1", "type":"LegacyHostIP"}}, "capacity":map[string]interface {}{"cpu":"4"}, "phase":"Running", "ready":true}}\n\n\n'),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[0:6:-1].name}'
    ('ip1', '{.spec.containers[0:6:-1].name}', 1, '',
     'error: error executing jsonpath "{.spec.containers[0:6:-1].name}": Error executing template: step must be > 0. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.containers[0:6:-1].name}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"blue"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"web", "kubernetes.io/hostname":"127.0.0.1"}, "name":"127.0.0.1", "namespace":"default", "uid":"uid-127.0.0.1"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake0"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake1"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake2"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake3"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake4"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake5"}}}, "status":map[string]interface {}{"addresses":[]interface {}{map[string]interface {}{"address":"127.0.0.1", "type":"LegacyHostIP"}}, "capacity":map[string]interface {}{"cpu":"4"}, "phase":"Running", "ready":true}}\n\n\n'),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[1:4:2].name}'
    ('ip1', '{.spec.containers[1:4:2].name}', 0, 'fake1 fake3',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[1:4:3].name}'
    ('ip1', '{.spec.containers[1:4:3].name}', 0, 'fake1',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[1:4:4].name}'
    ('ip1', '{.spec.containers[1:4:4].name}', 0, 'fake1',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[0:6:5].name}'
    ('ip1', '{.spec.containers[0:6:5].name}', 0, 'fake0 fake5',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[0:6:6].name}'
    ('ip1', '{.spec.containers[0:6:6].name}', 0, 'fake0',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[].name}'
    ('ip1', '{.spec.containers[].name}', 0, 'fake0',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[1,3].name}'
    ('ip1', '{.spec.containers[1,3].name}', 0, 'fake1 fake3',
     ''),
    # kubectl get pod 127.0.0.1 -o jsonpath='{.spec.containers[1, 9].name}'
    ('ip1', '{.spec.containers[1, 9].name}', 1, '',
     'error: error executing jsonpath "{.spec.containers[1, 9].name}": Error executing template: array index out of bounds: index 9, length 6. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.containers[1, 9].name}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"blue"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"web", "kubernetes.io/hostname":"127.0.0.1"}, "name":"127.0.0.1", "namespace":"default", "uid":"uid-127.0.0.1"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake0"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake1"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake2"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake3"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake4"}, map[string]interface {}{"another":[]interface {}{map[string]interface {}{"name":"value1"}, map[string]interface {}{"name":"value2"}}, "image":"radial/busyboxplus:curl", "name":"fake5"}}}, "status":map[string]interface {}{"addresses":[]interface {}{map[string]interface {}{"address":"127.0.0.1", "type":"LegacyHostIP"}}, "capacity":map[string]interface {}{"cpu":"4"}, "phase":"Running", "ready":true}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.status.x} {.status.y} {.status.z} {.status.w} {.status.big} {.status.t} {.status.n} {.status.s} {.status.u}'
    ('nums', '{.status.x} {.status.y} {.status.z} {.status.w} {.status.big} {.status.t} {.status.n} {.status.s} {.status.u}', 0, '1.5 1e+06 1e+21 1e-05 123456789012 true null a<b&c héllo',
     ''),
    # kubectl get pod nums -o jsonpath='{.status}'
    ('nums', '{.status}', 0, '{"big":123456789012,"bools":[true,false,true,false],"empty":[],"emptymap":{},"floats":[1,2.2,3.3,4],"ints":[1,2,3,4],"mixed":[true,"one",1,1.1],"n":null,"phase":"Running","points":[{"id":"i1","x":4,"y":-5},{"id":"i2","x":-2,"y":-5,"z":1},{"id":"i3","x":8,"y":3},{"id":"i5","x":0,"y":2,"z":1}],"s":"a\\u003cb\\u0026c","t":true,"u":"héllo","w":0.00001,"x":1.5,"y":1000000,"z":1e+21}',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.empty}'
    ('nums', '{.status.empty}', 0, '[]',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.emptymap}'
    ('nums', '{.status.emptymap}', 0, '{}',
     ''),
    # kubectl get pods -o jsonpath='{.metadata}'
    ('list', '{.metadata}', 0, '{"resourceVersion":""}',
     ''),
    # kubectl get pods -o jsonpath='{.kind} {.apiVersion}'
    ('list', '{.kind} {.apiVersion}', 0, 'List v1',
     ''),
    # kubectl get pod nums -o jsonpath='{$.metadata.name}'
    ('nums', '{$.metadata.name}', 0, 'nums',
     ''),
    # kubectl get pod nums -o jsonpath='{@.metadata.labels}'
    ('nums', '{@.metadata.labels}', 0, '{"app":"db"}',
     ''),
    # kubectl get pod nums -o jsonpath='{.metadata.name.*}'
    ('nums', '{.metadata.name.*}', 0, '110 117 109 115',
     ''),
    # kubectl get pods -o jsonpath='{..ready}'
    ('list', '{..ready}', 0, 'true false',
     ''),
    # kubectl get pod nums -o jsonpath='{..containerPort}'
    ('nums', '{..containerPort}', 0, '80 443 6379',
     ''),
    # kubectl get pod nums -o jsonpath='{.spec.containers[*].ports[?(@.containerPort==80)].containerPort}'
    ('nums', '{.spec.containers[*].ports[?(@.containerPort==80)].containerPort}', 0, '80',
     ''),
    # kubectl get pod nums -o jsonpath='{.spec.containers[*].ports[?(@.containerPort>100)].containerPort}'
    ('nums', '{.spec.containers[*].ports[?(@.containerPort>100)].containerPort}', 0, '443 6379',
     ''),
    # kubectl get pod nums -o jsonpath='{.spec.containers[*].ports[?(@.containerPort==80.0)].containerPort}'
    ('nums', '{.spec.containers[*].ports[?(@.containerPort==80.0)].containerPort}', 1, '',
     'error: error executing jsonpath "{.spec.containers[*].ports[?(@.containerPort==80.0)].containerPort}": Error executing template: incompatible types for comparison. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.containers[*].ports[?(@.containerPort==80.0)].containerPort}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.spec.containers[?(@.name=="b")].image}'
    ('nums', '{.spec.containers[?(@.name=="b")].image}', 0, 'redis',
     ''),
    # kubectl get pod nums -o jsonpath='{.spec.containers[?(@.name<"b")].name}'
    ('nums', '{.spec.containers[?(@.name<"b")].name}', 0, 'a',
     ''),
    # kubectl get pod nums -o jsonpath='{.spec.containers[?(@.name==b)].image}'
    ('nums', '{.spec.containers[?(@.name==b)].image}', 1, '',
     'error: error executing jsonpath "{.spec.containers[?(@.name==b)].image}": Error executing template: unrecognized identifier b. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.containers[?(@.name==b)].image}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.metadata[?(@.name)]}'
    ('nums', '{.metadata[?(@.name)]}', 1, '',
     'error: error executing jsonpath "{.metadata[?(@.name)]}": Error executing template: map[annotations:map[color:green] creationTimestamp:2024-01-01T00:00:00Z labels:map[app:db] name:nums namespace:default uid:uid-nums] is not array or slice and cannot be filtered. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.metadata[?(@.name)]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.spec.containers[?(@.ports[*].containerPort==80)].name}'
    ('nums', '{.spec.containers[?(@.ports[*].containerPort==80)].name}', 1, '',
     'error: error executing jsonpath "{.spec.containers[?(@.ports[*].containerPort==80)].name}": Error executing template: can only compare one element at a time. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.containers[?(@.ports[*].containerPort==80)].name}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.status.ints[?(@>2)]}'
    ('nums', '{.status.ints[?(@>2)]}', 0, '3 4',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.floats[?(@>2)]}'
    ('nums', '{.status.floats[?(@>2)]}', 1, '',
     'error: error executing jsonpath "{.status.floats[?(@>2)]}": Error executing template: incompatible types for comparison. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.status.floats[?(@>2)]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.status.floats[?(@>2.0)]}'
    ('nums', '{.status.floats[?(@>2.0)]}', 0, '2.2 3.3 4',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.mixed[?(@==1)]}'
    ('nums', '{.status.mixed[?(@==1)]}', 1, '',
     'error: error executing jsonpath "{.status.mixed[?(@==1)]}": Error executing template: incompatible types for comparison. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.status.mixed[?(@==1)]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.status.bools[?(@==true)]}'
    ('nums', '{.status.bools[?(@==true)]}', 0, 'true true',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.bools[?(@<true)]}'
    ('nums', '{.status.bools[?(@<true)]}', 1, '',
     'error: error executing jsonpath "{.status.bools[?(@<true)]}": Error executing template: invalid type for comparison. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.status.bools[?(@<true)]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.status.ints[?(@!=2)]}'
    ('nums', '{.status.ints[?(@!=2)]}', 0, '1 3 4',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.ints[?(@>=2)]}'
    ('nums', '{.status.ints[?(@>=2)]}', 0, '2 3 4',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.ints[?(@<=2)]}'
    ('nums', '{.status.ints[?(@<=2)]}', 0, '1 2',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.ints[?(@=2)]}'
    ('nums', '{.status.ints[?(@=2)]}', 1, '',
     'error: error executing jsonpath "{.status.ints[?(@=2)]}": Error executing template: unrecognized filter operator =. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.status.ints[?(@=2)]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.status.ints[?(@<>2)]}'
    ('nums', '{.status.ints[?(@<>2)]}', 1, '',
     'error: error executing jsonpath "{.status.ints[?(@<>2)]}": Error executing template: unrecognized filter operator <>. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.status.ints[?(@<>2)]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.status.points[?(@.x<@.y)].id}'
    ('nums', '{.status.points[?(@.x<@.y)].id}', 0, 'i5',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.points[?(@.id=="i3")].x}'
    ('nums', '{.status.points[?(@.id=="i3")].x}', 0, '8',
     ''),
    # kubectl get pod nums -o jsonpath='name: {.metadata.name}\\n'
    ('nums', 'name: {.metadata.name}\\n', 0, 'name: nums\\n',
     ''),
    # kubectl get pod nums -o jsonpath='{"\\u00e9\\t\\x41"}'
    ('nums', '{"\\u00e9\\t\\x41"}', 0, 'é\tA',
     ''),
    # kubectl get pod nums -o jsonpath="{'single'}"
    ('nums', "{'single'}", 0, 'single',
     ''),
    # kubectl get pod nums -o jsonpath='{"a\\"b"}'
    ('nums', '{"a\\"b"}', 0, 'a"b',
     ''),
    # kubectl get pod nums -o jsonpath="{'it\\'s'}"
    ('nums', "{'it\\'s'}", 0, "it's",
     ''),
    # kubectl get pod nums -o jsonpath='{.status.ints[0,2]}'
    ('nums', '{.status.ints[0,2]}', 0, '1 3',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.ints[1,3,4]}'
    ('nums', '{.status.ints[1,3,4]}', 1, '',
     'error: error executing jsonpath "{.status.ints[1,3,4]}": Error executing template: array index out of bounds: index 4, length 4. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.status.ints[1,3,4]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.status.ints[]}'
    ('nums', '{.status.ints[]}', 0, '1',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.n.x}'
    ('nums', '{.status.n.x}', 0, '',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.n}'
    ('nums', '{.status.n}', 0, 'null',
     ''),
    # kubectl get pod nums -o jsonpath='{.spec.containers[5]}'
    ('nums', '{.spec.containers[5]}', 1, '',
     'error: error executing jsonpath "{.spec.containers[5]}": Error executing template: array index out of bounds: index 5, length 2. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.containers[5]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.spec.containers[::0]}'
    ('nums', '{.spec.containers[::0]}', 1, '',
     'error: error executing jsonpath "{.spec.containers[::0]}": Error executing template: step must be > 0. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.containers[::0]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.metadata.labels[0]}'
    ('nums', '{.metadata.labels[0]}', 1, '',
     'error: error executing jsonpath "{.metadata.labels[0]}": Error executing template: map[string]interface {} is not array or slice. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.metadata.labels[0]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.metadata.name[0]}'
    ('nums', '{.metadata.name[0]}', 1, '',
     'error: error executing jsonpath "{.metadata.name[0]}": Error executing template: string is not array or slice. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.metadata.name[0]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.spec.containers[}'
    ('nums', '{.spec.containers[}', 1, '',
     'error: error parsing jsonpath {.spec.containers[}, unterminated array\n'),
    # kubectl get pod nums -o jsonpath='{.metadata.name'
    ('nums', '{.metadata.name', 1, '',
     'error: error parsing jsonpath {.metadata.name, unclosed action\n'),
    # kubectl get pod nums -o jsonpath='{.a}}'
    ('nums', '{.a}}', 0, '}',
     ''),
    # kubectl get pod nums -o jsonpath='{.a[?(@.x=="y"]}'
    ('nums', '{.a[?(@.x=="y"]}', 1, '',
     'error: error parsing jsonpath {.a[?(@.x=="y"]}, unterminated filter\n'),
    # kubectl get pod nums -o jsonpath='{.a[?(@.x)}'
    ('nums', '{.a[?(@.x)}', 1, '',
     'error: error parsing jsonpath {.a[?(@.x)}, unclosed array expect ]\n'),
    # kubectl get pod nums -o jsonpath='{"abc}'
    ('nums', '{"abc}', 1, '',
     'error: error parsing jsonpath {"abc}, unterminated quoted string\n'),
    # kubectl get pod nums -o jsonpath='{.a[x]}'
    ('nums', '{.a[x]}', 1, '',
     'error: error parsing jsonpath {.a[x]}, invalid array index x\n'),
    # kubectl get pod nums -o jsonpath='{.a[-]}'
    ('nums', '{.a[-]}', 1, '',
     'error: error parsing jsonpath {.a[-]}, array index - is not a number\n'),
    # kubectl get pod nums -o jsonpath='{.a[1:2:3:4]}'
    ('nums', '{.a[1:2:3:4]}', 1, '',
     'error: error parsing jsonpath {.a[1:2:3:4]}, invalid array index 1:2:3:4\n'),
    # kubectl get pod nums -o jsonpath='{!}'
    ('nums', '{!}', 1, '',
     "error: error parsing jsonpath {!}, unrecognized character in action: U+0021 '!'\n"),
    # kubectl get pod nums -o jsonpath='{1.2.3}'
    ('nums', '{1.2.3}', 1, '',
     'error: error parsing jsonpath {1.2.3}, cannot parse number 1.2.3\n'),
    # kubectl get pod nums -o jsonpath='{range}'
    ('nums', '{range}', 0, '',
     ''),
    # kubectl get pod nums -o jsonpath='{end}'
    ('nums', '{end}', 1, '',
     'error: error executing jsonpath "{end}": Error executing template: not in range, nothing to end. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{end}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{....name}'
    ('nums', '{....name}', 1, '',
     'error: error parsing jsonpath {....name}, invalid multiple recursive descent\n'),
    # kubectl get pod nums -o jsonpath='{.}'
    ('nums', '{.}', 0, '',
     ''),
    # kubectl get pod nums -o jsonpath='{}'
    ('nums', '{}', 0, '{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{"color":"green"},"creationTimestamp":"2024-01-01T00:00:00Z","labels":{"app":"db"},"name":"nums","namespace":"default","uid":"uid-nums"},"spec":{"containers":[{"image":"nginx","name":"a","ports":[{"containerPort":80},{"containerPort":443}]},{"image":"redis","name":"b","ports":[{"containerPort":6379}]}]},"status":{"big":123456789012,"bools":[true,false,true,false],"empty":[],"emptymap":{},"floats":[1,2.2,3.3,4],"ints":[1,2,3,4],"mixed":[true,"one",1,1.1],"n":null,"phase":"Running","points":[{"id":"i1","x":4,"y":-5},{"id":"i2","x":-2,"y":-5,"z":1},{"id":"i3","x":8,"y":3},{"id":"i5","x":0,"y":2,"z":1}],"s":"a\\u003cb\\u0026c","t":true,"u":"héllo","w":0.00001,"x":1.5,"y":1000000,"z":1e+21}}',
     ''),
    # kubectl get pod nums -o jsonpath='{true}'
    ('nums', '{true}', 0, 'true',
     ''),
    # kubectl get pod nums -o jsonpath='{5}'
    ('nums', '{5}', 0, '5',
     ''),
    # kubectl get pod nums -o jsonpath='{-1.5}'
    ('nums', '{-1.5}', 0, '-1.5',
     ''),
    # kubectl get pod nums -o jsonpath='{.metadata.nope}'
    ('nums', '{.metadata.nope}', 0, '',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.ints[*]}'
    ('nums', '{.status.ints[*]}', 0, '1 2 3 4',
     ''),
    # kubectl get pod nums -o jsonpath='{.status.ints[0:2][0]}'
    ('nums', '{.status.ints[0:2][0]}', 1, '',
     'error: error executing jsonpath "{.status.ints[0:2][0]}": Error executing template: int64 is not array or slice. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.status.ints[0:2][0]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"annotations":map[string]interface {}{"color":"green"}, "creationTimestamp":"2024-01-01T00:00:00Z", "labels":map[string]interface {}{"app":"db"}, "name":"nums", "namespace":"default", "uid":"uid-nums"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"nginx", "name":"a", "ports":[]interface {}{map[string]interface {}{"containerPort":80}, map[string]interface {}{"containerPort":443}}}, map[string]interface {}{"image":"redis", "name":"b", "ports":[]interface {}{map[string]interface {}{"containerPort":6379}}}}}, "status":map[string]interface {}{"big":123456789012, "bools":[]interface {}{true, false, true, false}, "empty":[]interface {}{}, "emptymap":map[string]interface {}{}, "floats":[]interface {}{1, 2.2, 3.3, 4}, "ints":[]interface {}{1, 2, 3, 4}, "mixed":[]interface {}{true, "one", 1, 1.1}, "n":interface {}(nil), "phase":"Running", "points":[]interface {}{map[string]interface {}{"id":"i1", "x":4, "y":-5}, map[string]interface {}{"id":"i2", "x":-2, "y":-5, "z":1}, map[string]interface {}{"id":"i3", "x":8, "y":3}, map[string]interface {}{"id":"i5", "x":0, "y":2, "z":1}}, "s":"a<b&c", "t":true, "u":"héllo", "w":1e-05, "x":1.5, "y":1e+06, "z":1e+21}}\n\n\n'),
    # kubectl get pod nums -o jsonpath='{.kind}{.metadata.name}'
    ('nums', '{.kind}{.metadata.name}', 0, 'Podnums',
     ''),
    # kubectl get pod nums -o jsonpath='plain text'
    ('nums', 'plain text', 0, 'plain text',
     ''),
    # kubectl get pod nums -o jsonpath=''
    ('nums', '', 1, '',
     'error: template format specified but no template given\n'),
    # kubectl get pod nums -o jsonpath='{.metadata.name} {.metadata.name}'
    ('nums', '{.metadata.name} {.metadata.name}', 0, 'nums nums',
     ''),
    # kubectl get pod nums -o jsonpath='{range .spec.containers[*]}{.name}={.image}{"\\n"}{end}'
    ('nums', '{range .spec.containers[*]}{.name}={.image}{"\\n"}{end}', 0, 'a=nginx\nb=redis\n',
     ''),
]

# kubectl get pod nums -o jsonpath='{..}' (Go walks maps in random order: compare the values, not their order)
RECURSIVE = '{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{"color":"green"},"creationTimestamp":"2024-01-01T00:00:00Z","labels":{"app":"db"},"name":"nums","namespace":"default","uid":"uid-nums"},"spec":{"containers":[{"image":"nginx","name":"a","ports":[{"containerPort":80},{"containerPort":443}]},{"image":"redis","name":"b","ports":[{"containerPort":6379}]}]},"status":{"big":123456789012,"bools":[true,false,true,false],"empty":[],"emptymap":{},"floats":[1,2.2,3.3,4],"ints":[1,2,3,4],"mixed":[true,"one",1,1.1],"n":null,"phase":"Running","points":[{"id":"i1","x":4,"y":-5},{"id":"i2","x":-2,"y":-5,"z":1},{"id":"i3","x":8,"y":3},{"id":"i5","x":0,"y":2,"z":1}],"s":"a\\u003cb\\u0026c","t":true,"u":"héllo","w":0.00001,"x":1.5,"y":1000000,"z":1e+21}} v1 Pod {"annotations":{"color":"green"},"creationTimestamp":"2024-01-01T00:00:00Z","labels":{"app":"db"},"name":"nums","namespace":"default","uid":"uid-nums"} 2024-01-01T00:00:00Z {"app":"db"} db {"color":"green"} green nums default uid-nums {"containers":[{"image":"nginx","name":"a","ports":[{"containerPort":80},{"containerPort":443}]},{"image":"redis","name":"b","ports":[{"containerPort":6379}]}]} [{"image":"nginx","name":"a","ports":[{"containerPort":80},{"containerPort":443}]},{"image":"redis","name":"b","ports":[{"containerPort":6379}]}] {"image":"nginx","name":"a","ports":[{"containerPort":80},{"containerPort":443}]} a nginx [{"containerPort":80},{"containerPort":443}] {"containerPort":80} {"containerPort":443} {"image":"redis","name":"b","ports":[{"containerPort":6379}]} b redis [{"containerPort":6379}] {"containerPort":6379} {"big":123456789012,"bools":[true,false,true,false],"empty":[],"emptymap":{},"floats":[1,2.2,3.3,4],"ints":[1,2,3,4],"mixed":[true,"one",1,1.1],"n":null,"phase":"Running","points":[{"id":"i1","x":4,"y":-5},{"id":"i2","x":-2,"y":-5,"z":1},{"id":"i3","x":8,"y":3},{"id":"i5","x":0,"y":2,"z":1}],"s":"a\\u003cb\\u0026c","t":true,"u":"héllo","w":0.00001,"x":1.5,"y":1000000,"z":1e+21} [{"id":"i1","x":4,"y":-5},{"id":"i2","x":-2,"y":-5,"z":1},{"id":"i3","x":8,"y":3},{"id":"i5","x":0,"y":2,"z":1}] {"id":"i1","x":4,"y":-5} i1 {"id":"i2","x":-2,"y":-5,"z":1} i2 {"id":"i3","x":8,"y":3} i3 {"id":"i5","x":0,"y":2,"z":1} i5 Running a<b&c héllo [1,2,3,4] [1,2.2,3.3,4] [true,"one",1,1.1] one [true,false,true,false]'

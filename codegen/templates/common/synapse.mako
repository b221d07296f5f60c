<%doc> How a synapse's indices are found, shared by the C loops and the SIMT kernels. </%doc>\
<%namespace name="blocks" file="/common/blocks.mako"/>\
<%doc> Row position ``j`` of presynaptic neuron ``id_pre`` in SPARSE connectivity. </%doc>\
<%def name="sparse_element(mg, j, indent)">\
${" " * indent}const uint32_t id_syn = id_pre * ${mg.get("row_stride")} + ${j};
${" " * indent}const uint32_t id_post = _a_ind[id_syn];
</%def>
<%doc> The synapse from ``id_pre`` to ``id_post`` in DENSE connectivity. </%doc>\
<%def name="dense_element(mg, indent)">\
${" " * indent}const uint32_t id_syn = id_pre * ${mg.get("num_post")} + id_post;
</%def>
<%doc> Column position ``j`` of postsynaptic neuron ``id_post`` (the column structure of SPARSE
connectivity, built for postsynaptic learning). </%doc>\
<%def name="column_element(mg, j, indent)">\
${" " * indent}const uint32_t id_syn = _a_remap[id_post * ${mg.get("col_stride")} + ${j}];
${" " * indent}const uint32_t id_pre = id_syn / ${mg.get("row_stride")};
</%def>
<%doc> A synapse's code: its RNG set-up (if any) and ``body``. </%doc>\
<%def name="synapse_code(mg, body, indent)">\
${blocks.block(mg.code.rng, indent)}\
${blocks.block(body, indent)}\
</%def>
<%doc> Building the row of ``id_pre`` with a connectivity snippet's ``row_build_code``
(``addSynapse`` appends at ``_rl``). </%doc>\
<%def name="build_row(code, indent)">\
${" " * indent}uint32_t _rl = 0u;
${blocks.block(code.rng, indent)}\
${blocks.block(code.body, indent)}\
${" " * indent}_a_rowLength[id_pre] = _rl;
</%def>

<%doc> A custom connectivity update's code for one row (``id_pre``), shared by the C loops and the
SIMT kernels: the row length is kept in ``_rl`` while the code adds and removes synapses, its
first synapse is at ``_rs``.  Context: none beyond the arguments. </%doc>\
<%namespace name="blocks" file="/common/blocks.mako"/>\
<%def name="row(mg, indent)">\
<% code = mg.code; pad = " " * indent %>\
${pad}const uint32_t _rs = id_pre * ${mg.get("row_stride")};
${pad}uint32_t _rl = _a_rowLength[id_pre];
${pad}(void)_rs;
${blocks.rng_init(code.rng_stream, "id_pre", "(uint32_t)timestep", indent)}\
${blocks.block(code.body, indent)}\
${pad}_a_rowLength[id_pre] = _rl;
</%def>

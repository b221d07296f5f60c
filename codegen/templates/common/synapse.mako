<%doc> How a synapse's indices are found, how connectivity is built and variables are
initialised: what the C loops and the SIMT kernels share.  Context: ir, rng_steps. </%doc>\
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
<%doc> Offsets of the delay slots a synapse group's code reads values kept in them from. </%doc>\
<%def name="delay_offsets(code, indent)">\
% for name, text in code.offsets:
${" " * indent}const uint64_t ${name} = ${text};
% endfor
</%def>
<%doc> Per-element code: its RNG set-up for ``element`` (if it draws) and ``body``. </%doc>\
<%def name="synapse_code(mg, body, indent, element='id_syn')">\
${blocks.rng_init(mg.code.rng_stream, element, "(uint32_t)timestep", indent)}\
${blocks.block(body, indent)}\
</%def>
<%doc> Building the row of ``id_pre`` with a connectivity snippet's ``row_build_code``
(``addSynapse`` appends at ``_rl``). </%doc>\
<%def name="build_row(code, indent)">\
${" " * indent}uint32_t _rl = 0u;
${blocks.rng_init(code.rng_stream, "id_pre", rng_steps.CONNECTIVITY_STEP, indent)}\
${blocks.block(code.body, indent)}\
${" " * indent}_a_rowLength[id_pre] = _rl;
</%def>
<%doc> Building the synapses of column ``id_post`` with ``col_build_code`` (``addSynapse``
appends to rows through ``_pre`` and ``_r``, declared by the caller). </%doc>\
<%def name="build_column(code, indent)">\
${blocks.rng_init(code.rng_stream, "id_post", rng_steps.CONNECTIVITY_STEP, indent)}\
${blocks.block(code.body, indent)}\
</%def>
<%doc> The row lengths of FixedNumberTotalWithReplacement, drawn one after another as
binomials (a multinomial) before rows are built in parallel. </%doc>\
<%def name="multinomial_row_lengths(mg, indent)">\
<% code = mg.code; pad = " " * indent; n = mg.get("num_pre"); s = "f" if ir.scalar.name == "float" else "d"; T = ir.scalar.name %>\
${blocks.rng_init(code.multinomial_stream, "0", rng_steps.MULTINOMIAL_STEP, indent)}\
${pad}uint32_t _remaining = ${code.multinomial_total};
${pad}for (uint32_t _i = 0; _i < ${n}; _i++) {
${pad}    const uint32_t _n = (_i == ${n} - 1u) ? _remaining : genn_binomial_${s}(&_rng, _remaining, (${T})1 / (${T})(${n} - _i));
${pad}    _a_preCalcRowLength[_i] = _n;
${pad}    _remaining -= _n;
${pad}}
</%def>
<%doc> Variables initialised by their snippets, for element ``index`` (``id`` or ``id_syn``),
and (neuron_init) spike and spike-like event times. </%doc>\
<%def name="var_inits(code, index, indent)">\
<% pad = " " * indent %>\
% for v in code.inits:
${pad}{
${blocks.rng_init(v.rng_stream, index, rng_steps.INIT_STEP, indent + 4)}\
${pad}    ${v.ctype} _value = ${v.zero};
${blocks.block(v.code, indent + 4)}\
${store_init(code, v.key, index, "_value", indent + 4)}\
${pad}}
% endfor
% for key in code.times:
${store_init(code, key, index, code.lowest, indent)}\
% endfor
</%def>
<%doc> An initial value stored at ``index`` (into every delay slot of an array kept in them). </%doc>\
<%def name="store_init(code, key, index, value, indent)">\
% if key in code.delayed:
${" " * indent}for (uint32_t _s = 0u; _s < ${code.slots}; _s++) { _a_${key}[(uint64_t)_s * ${code.row} + ${index}] = ${value}; }
% else:
${" " * indent}_a_${key}[${index}] = ${value};
% endif
</%def>

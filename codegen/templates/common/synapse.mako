<%doc> How a synapse's indices are found, how connectivity is built and variables are
initialised: what the C loops and the SIMT kernels share.  Context: ir, rng_steps. </%doc>\
<%namespace name="blocks" file="/common/blocks.mako"/>\
<%namespace name="arena" file="/common/arena.mako"/>\
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
<%doc> Per-element code: the variables of procedural weights it reads, its RNG set-up for
``element`` (if it draws) and ``body``. </%doc>\
<%def name="synapse_code(mg, body, indent, element='id_syn')">\
${var_inits(mg.code.procedural, "id_syn", indent, "_pw_")}\
${blocks.rng_init(mg.code.rng_stream, element, "(uint32_t)timestep", indent)}\
${blocks.block(body, indent)}\
</%def>
<%doc> The synapse of ``id_pre`` and ``id_post`` in BITMASK connectivity (an ``if`` the caller closes). </%doc>\
<%def name="bitmask_test(mg, indent)">\
${" " * indent}if ((_a_gp[(uint64_t)id_pre * ${mg.get("bitmask_words")} + (id_post >> 5)] >> (id_post & 31u)) & 1u) {
</%def>
<%doc> The synapses of row ``id_pre`` of BITMASK connectivity in words ``first``, ``first + step``
..., each running the caller's body (``id_post``, ``id_syn`` as DENSE numbers them). </%doc>\
<%def name="bitmask_row(mg, first, step, indent)">\
<% pad = " " * indent; words = mg.get("bitmask_words") %>\
${pad}const GENN_GLOBAL uint32_t* const _row = _a_gp + (uint64_t)id_pre * ${words};
${pad}for (uint32_t _w = ${first}; _w < ${words}; _w += ${step}) {
${pad}    uint32_t _bits = _row[_w];
${pad}    while (_bits != 0u) {
${pad}        const uint32_t id_post = _w * 32u + genn_ctz_u32(_bits);
${pad}        _bits &= _bits - 1u;
${dense_element(mg, indent + 8)}\
${caller.body()}\
${pad}    }
${pad}}
</%def>
<%doc> A PROCEDURAL row regenerated for a spike of ``id_pre``: the connectivity's RNG as SPARSE
initialisation sets it up, then its row code, whose addSynapse() calls the synapse's function
(``_rl`` counts the row's synapses). </%doc>\
<%def name="procedural_row(mg, row, indent)">\
${" " * indent}uint32_t _rl = 0u;
${blocks.rng_init(mg.code.row_rng_stream, "id_pre", rng_steps.CONNECTIVITY_STEP, indent)}\
${blocks.block(row, indent)}\
${" " * indent}(void)_rl;
</%def>
<%doc> A TOEPLITZ diagonal ``id_diag``: its code, whose for_each_synapse loops over the queue's
spikes (``_numSpikes``, ``_spikes``) and whose addSynapse() calls the synapse's function. </%doc>\
<%def name="toeplitz_diagonal(mg, row, indent)">\
${blocks.rng_init(mg.code.row_rng_stream, "id_diag", "(uint32_t)timestep", indent)}\
${blocks.block(row, indent)}\
</%def>
<%doc> The code of one PROCEDURAL or TOEPLITZ synapse, as functions ``genn_syn_spike_<mg>`` and
``genn_syn_event_<mg>`` that regenerated rows call: they run where the row's code runs, but in a
scope of their own. </%doc>\
<%def name="synapse_functions(mg)">\
% if mg.code.connectivity in ("procedural", "toeplitz"):
%   for which, body in (("spike", mg.code.body), ("event", mg.code.event_body)):
%     if body:
GENN_INLINE void genn_syn_${which}_${mg.name}(GENN_GLOBAL char* const genn_arena GENN_SEGMENT_PARAMS,
        const GENN_GLOBAL struct ${mg.struct_name}* const grp, const uint64_t timestep, const ${time_type} t,
        const uint32_t id_pre, const uint32_t id_post, const uint32_t id_syn, const uint32_t id_kernel) {
${arena.pointers(mg, 4)}\
    (void)timestep; (void)t; (void)id_pre; (void)id_post; (void)id_syn; (void)id_kernel;
${synapse_code(mg, body, 4)}\
}

%     endif
%   endfor
% endif
</%def>
<%doc> Building the row of ``id_pre`` with a connectivity snippet's ``row_build_code``
(``addSynapse`` appends at ``_rl``). </%doc>\
<%def name="build_row(code, indent)">\
${" " * indent}uint32_t _rl = 0u;
${blocks.rng_init(code.rng_stream, "id_pre", rng_steps.CONNECTIVITY_STEP, indent)}\
${blocks.block(code.body, indent)}\
${" " * indent}_a_rowLength[id_pre] = _rl;
</%def>
<%doc> Building row ``id_pre`` of BITMASK connectivity: its words cleared, then ``row_build_code``
(``addSynapse`` sets bits through ``_j``). </%doc>\
<%def name="build_bitmask_row(mg, indent)">\
<% pad = " " * indent; words = mg.get("bitmask_words") %>\
${pad}for (uint32_t _w = 0u; _w < ${words}; _w++) { _a_gp[(uint64_t)id_pre * ${words} + _w] = 0u; }
${pad}uint32_t _j;
${blocks.rng_init(mg.code.rng_stream, "id_pre", rng_steps.CONNECTIVITY_STEP, indent)}\
${blocks.block(mg.code.body, indent)}\
${pad}(void)_j;
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
<%doc> Variables ``inits`` initialised by their snippets for element ``index`` (``id``, ``id_syn``
or ``id_kernel``) into ``_a_<key>[index]`` (with ``code``, a VarInitialisation: into every
delay slot of arrays kept in them), or (``local``, procedural weights) into locals
``<local><key>``. </%doc>\
<%def name="var_inits(inits, index, indent, local='', code=None)">\
<% pad = " " * indent %>\
% for v in inits:
%   if local:
${pad}${v.ctype} ${local}${v.key};
%   endif
${pad}{
${blocks.rng_init(v.rng_stream, index, rng_steps.INIT_STEP, indent + 4)}\
${pad}    ${v.ctype} _value = ${v.zero};
${blocks.block(v.code, indent + 4)}\
%   if local:
${pad}    ${local}${v.key} = _value;
%   elif code is not None:
${store_init(code, v.key, index, "_value", indent + 4)}\
%   else:
${pad}    _a_${v.key}[${index}] = _value;
%   endif
${pad}}
% endfor
</%def>
<%doc> Variables initialised by their snippets, for element ``index`` (``id``, ``id_syn`` or
``id_kernel``), and (neuron_init) spike and spike-like event times. </%doc>\
<%def name="element_inits(code, index, indent)">\
${var_inits(code.inits, index, indent, code=code)}\
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

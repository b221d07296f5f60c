<%doc> A custom update's code for one element, shared by the C loops and the SIMT kernels.
Context: none beyond the arguments. </%doc>\
<%namespace name="blocks" file="/common/blocks.mako"/>\
<%doc> The accumulators of reductions over the elements (before the first element). </%doc>\
<%def name="start_reductions(code, indent)">\
% for v in code.variables:
%   if v.kind in ("sum", "max"):
${" " * indent}${v.ctype} _racc_${v.name} = ${v.start};
%   endif
% endfor
</%def>
<%doc> Element ``index`` (``id`` or ``id_syn``): registers, the update code, stores, transposed
copies and reductions. </%doc>\
<%def name="element(mg, index, indent)">\
<% code = mg.code; pad = " " * indent %>\
${blocks.rng_init(code.rng_stream, index, "(uint32_t)timestep", indent)}\
% for v in code.variables:
%   if v.kind == "register":
${pad}${v.ctype} _l${v.name} = ${v.start or f"_a_{v.key}[{index}]"};
%   elif v.kind in ("sum", "max"):
${pad}${v.ctype} _lred_${v.name} = ${v.zero};
%   endif
% endfor
${blocks.block(code.body, indent)}\
% for v in code.variables:
%   if v.kind == "register" and v.store:
${pad}_a_${v.key}[${index}] = _l${v.name};
%   endif
% endfor
% for ref, target in code.transposes:
${pad}_a_${target}[id_post * ${mg.get("num_pre")} + id_pre] = _a_${ref}[id_syn];
% endfor
% for v in code.variables:
%   if v.kind == "sum":
${pad}_racc_${v.name} += _lred_${v.name};
%   elif v.kind == "max":
${pad}_racc_${v.name} = (_lred_${v.name} > _racc_${v.name}) ? _lred_${v.name} : _racc_${v.name};
%   endif
% endfor
</%def>
<%doc> The reductions' results (after the last element). </%doc>\
<%def name="write_reductions(code, indent)">\
% for v in code.variables:
%   if v.kind in ("sum", "max"):
${" " * indent}_a_${v.key}[0] = _racc_${v.name};
%   endif
% endfor
</%def>

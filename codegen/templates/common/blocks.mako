<%doc> Text helpers every template uses. </%doc>\
<%def name="block(text, indent)">\
% for line in text.splitlines():
${" " * indent}${line}
% endfor
</%def>
<%doc> Sets up ``_rng``: the stream ``stream`` of element ``element`` at counter word ``step``
(codegen/rng.py). </%doc>\
<%def name="rng_init(stream, element, step, indent)">\
% if stream:
${" " * indent}GENN_RNG_INIT(${stream}, (uint32_t)(${element}), ${step});
% endif
</%def>

<%doc> Text helpers every template uses. </%doc>\
<%def name="block(text, indent)">\
% for line in text.splitlines():
${" " * indent}${line}
% endfor
</%def>

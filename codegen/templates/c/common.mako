<%doc> The C backend's loop over the members of a merged group (``grp`` and the array pointers). </%doc>\
<%namespace name="arena" file="/common/arena.mako"/>\
<%def name="group_loop(mg)">\
    const struct ${mg.struct_name}* const _groups = (const struct ${mg.struct_name}*)GENN_TABLE(${mg.table});
    for (uint32_t _g = 0; _g < ${len(mg.members)}u; _g++) {
        const struct ${mg.struct_name}* const grp = &_groups[_g];
        (void)grp;
${arena.pointers(mg, 8)}\
</%def>

<%doc> The C backend's loop over the members of a merged group (``grp`` and the array pointers). </%doc>\
<%namespace name="arena" file="/common/arena.mako"/>\
<%def name="group_loop(mg)">\
    const struct ${mg.struct_name}* const _groups = (const struct ${mg.struct_name}*)GENN_TABLE(${mg.table});
    for (uint32_t _g = 0; _g < ${len(mg.members)}u; _g++) {
        const struct ${mg.struct_name}* const grp = &_groups[_g];
        (void)grp;
${arena.pointers(mg, 8)}\
</%def>
<%doc> The column structure of a member's SPARSE connectivity, each column in synapse order
(``overflow``: the statement run for a synapse beyond ``col_stride``). </%doc>\
<%namespace name="syn" file="/common/synapse.mako"/>\
<%def name="build_columns(mg, overflow)">\
        memset(_a_colLength, 0, sizeof(uint32_t) * ${mg.get("num_post")});
        for (uint32_t id_pre = 0; id_pre < ${mg.get("num_pre")}; id_pre++) {
            for (uint32_t _j = 0; _j < _a_rowLength[id_pre]; _j++) {
${syn.sparse_element(mg, "_j", 16)}\
                const uint32_t _c = _a_colLength[id_post];
                if (_c < ${mg.get("col_stride")}) {
                    _a_remap[id_post * ${mg.get("col_stride")} + _c] = id_syn;
                    _a_colLength[id_post] = _c + 1u;
                } else {
                    ${overflow}
                }
            }
        }
</%def>

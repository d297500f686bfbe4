"""docs/coverage.md: every numbered clause of every document and how the program handles it.

Generated from the policy files (their ``coverage``, ``readings``, rules and
parameters), so the document cannot drift from what the program computes.
"""

from __future__ import annotations

from core.engine.formulas import FORMULAS
from core.money import display_value
from core.platform_names import rule_names_platforms
from core.policy.section_reader import COVERAGE_STATUSES
from core.policy.model import CAP_LABELS, NEWLY_LABELS, ONCE_LABELS, STACKING_LABELS, STATUS_LABELS, Choice

HEADER = """# 条款覆盖说明 (clause coverage)

由 `python main.py coverage -o docs/coverage.md` 从 `resources/policies/*.yaml` 生成，请勿手工修改；
修改政策文件后重新生成（测试会核对本文件与政策文件一致）。

每条规则写明按什么只支持一次（同一事项、同一事项每年、每次认定、每个单位、每个单位每年）、“新认定”按什么判断、
各项上限按什么累计；取决于解读的，按当前解读的取值写出（即程序实际执行的口径）。同一事项的多项申报（合同的补充协议、
项目的分次到账、平台的再次认定）合并计算，并扣除以前批次已兑现或已审批的部分。

处理方式：程序计算 = 按条款自动计算金额；经办人录入 = 条款有支持但没有可计算的金额，由经办人录入并由程序核对上限；
测算工具 = 条款给出数字但不拨付（税收减免、间接费用比例等）；目标监测 = 年度目标；说明性条款 = 没有金额；
无法计算 = 依据本程序未收录的文件。

平台名称必填：平台或载体的连续支持（“连续支持N年”）、“新认定”和“只支持一次”都要判断是否同一平台，程序按名称区分
（未填名称的按证书编号，二者都没有的按同一平台处理）。没有名称的记录分两批申报可能与一批申报结果不同，而平台的证书上
总有名称，所以导入申报工作簿（“申报-认定、获批”“历史-认定记录”表）和平台名单、在企业档案中录入认定记录或历史奖补时，
凡属平台或载体类别的（由政策文件确定：按平台连续支持或按平台判断“新认定”的规则所列的认定类别，下列各条注明“平台名称必填”），
必须按证书填写平台或载体名称，证书编号可不填；缺名称的行连同整个工作簿不予导入。高新技术企业等单位称号不填名称。
此前已保存、没有名称的记录仍按原口径计算（按证书编号区分，都没有的按同一平台处理，提示经办人补填名称）。

已兑现后才知道不是新认定：此前批次已按“新认定”兑现某平台，后来的批次申报了同一平台（名称相同、同类同级）更早的认定，
而该更早的认定本身不予支持的，说明此前兑现所依据的并非新认定。程序不改动已兑现的金额（一批申报与分两批申报在此处
结果不同，无法由程序追回），在后来批次的企业提示中写明此前的批次、规则、金额和所依据的认定记录，请经办人核实并按规定
处理（追回或说明）。

"""


def applied(rule, value, labels: dict, quote: str = "") -> str | None:
    """A rule setting as the engine applies it under the document's readings, in Chinese."""
    if isinstance(value, Choice):
        chosen = value.when_true if rule.document.readings[value.reading].value else value.when_false
        return f"{labels[chosen]}（按解读{quote}{value.reading}{quote}）" if chosen else None
    return labels[value] if value else None


def counting_text(rule, quote: str = "`") -> list[str]:
    """How the rule counts 'once', 'newly' and its caps, as applied under the current readings."""
    out = []
    if rule.years is not None:
        n = display_value("count", rule.years.versions[0].value)
        out.append(f"自该事项首次获批（兑现）年度起连续{n}年，每年支持一次，再次认定不重新起算")
    else:
        out.append(applied(rule, rule.once, ONCE_LABELS, quote) or "")
    newly = applied(rule, rule.newly, NEWLY_LABELS, quote)
    if newly:
        out.append(f"新认定：{newly}")
    for cap in rule.caps:
        reading = cap.if_reading or cap.unless_reading
        if reading:
            holds = bool(rule.document.readings[reading].value)
            if holds != bool(cap.if_reading):
                continue
        text = f"{CAP_LABELS[cap.per]}上限{display_value('yuan', cap.param.versions[0].value)}"
        out.append(text + (f"（按解读{quote}{reading}{quote}）" if reading else ""))
    if rule.above_minimum:
        out.append("核定金额高于下限的由经办人录入（不低于下限，同一平台每年只计一次）")
    return out


def _rule_cell(policies, rid: str) -> str:
    if rid in policies.rules:
        r = policies.rules[rid]
        params = "；".join(
            f"{p.label}{display_value(p.unit, p.versions[0].value)}"
            for path, p in r.params()
            if not path.startswith("cap.") and path != "years"
        )
        extra = counting_text(r) if r.pays else []
        if r.pays and rule_names_platforms(r, policies):
            extra.append("平台名称必填（按名称区分同一平台）")
        if r.group:
            g = policies.groups[r.group]
            extra.append(f"叠加组“{g.label}”（{STACKING_LABELS[g.policy]}）")
        bits = [f"`{rid}` {r.summary}（{FORMULAS[r.formula].label}）"]
        if params:
            bits.append(params)
        bits += extra
        return "：".join(bits[:2]) + ("；" + "；".join(bits[2:]) if len(bits) > 2 else "")
    if rid in policies.calculators:
        return f"`{rid}` 测算工具：{policies.calculators[rid].summary}"
    t = policies.targets[rid]
    values = "、".join(f"{y}年{display_value(t.unit, v.value)}" for y, v in sorted(t.values.items()))
    return f"`{rid}` 目标：{t.label} {values}"


def _cell(text: str) -> str:
    return str(text).replace("|", "｜").replace("\n", " ")


def coverage_markdown(policies) -> str:
    out = [HEADER]
    for doc in sorted(policies.documents.values(), key=lambda d: (d.level != "region", d.date)):
        out.append(f"## {doc.title}\n")
        meta = [
            ("文号", doc.doc_number or "无"),
            ("发文单位", doc.issuer),
            ("层级", "自治区" if doc.level == "region" else policies.vocabulary.label("cities", doc.city)),
            ("成文日期", doc.date.isoformat()),
            ("有效期", doc.period_text),
            ("状态", STATUS_LABELS[doc.status]),
            ("废止文件", "、".join(doc.repeals) or "无"),
            ("叠加原则", f"{doc.stacking_principle}：{doc.stacking_note}" if doc.stacking_principle else "无"),
            ("金额舍入", doc.rounding_note),
            ("政策文件", f"`resources/policies/{doc.id}.yaml`"),
        ]
        out.append("| 项目 | 内容 |\n|---|---|")
        out += [f"| {k} | {_cell(v)} |" for k, v in meta]
        out.append("")
        if doc.readings:
            out.append("**解读（可由管理员调整）**\n")
            out.append("| 解读 | 取值 | 说明 |\n|---|---|---|")
            for r in doc.readings.values():
                out.append(f"| `{r.name}` | {r.value} | {_cell(r.note)} |")
            out.append("")
        out.append("| 条款 | 标题 | 处理方式 | 规则与参数 | 说明 |\n|---|---|---|---|---|")
        for node in policies.coverage[doc.id]:
            rules = "<br>".join(_cell(_rule_cell(policies, rid)) for rid in node.get("rules") or [])
            out.append(
                f"| {node['clause']} | {_cell(node['title'])} | {COVERAGE_STATUSES[node['status']]} | "
                f"{rules} | {_cell(node['note'])} |"
            )
        out.append("")
    groups = sorted(policies.groups.values(), key=lambda g: g.id)
    if groups:
        out.append("## 叠加组\n")
        out.append("| 叠加组 | 方式 | 规则 | 说明 |\n|---|---|---|---|")
        for g in groups:
            out.append(
                f"| {g.label} | {STACKING_LABELS[g.policy]} | {'、'.join(f'`{r}`' for r in g.rules)} | {_cell(g.note)} |"
            )
        out.append("")
    return "\n".join(out)

"""Words of the after-action report in English and Chinese (keys shared by both languages)."""
from __future__ import annotations

import re

KINDS = {"dispatch": ("dispatch", "派遣"), "set_level": ("set response", "调整响应"),
         "mutual_aid": ("request mutual aid", "请求区域联动支援"), "release_stock": ("release stock", "调拨物资"),
         "assign_airlift": ("assign to airlift", "改派物资空运"), "evacuate": ("evacuate", "组织转移"),
         "note": ("note", "记录"), "request": ("request up the chain", "向上级请求"),
         "sitrep": ("situation report", "信息报送 / 续报"), "verify": ("verify a report", "核实报告"),
         "deny": ("deny a report", "否定不实报告")}
CHANNELS = {"phone": ("phone", "电话"), "radio": ("radio", "电台"), "email": ("email", "邮件"), "fax": ("fax", "传真"),
            "media": ("media", "媒体"), "social": ("social media", "网络舆情"), "in_person": ("in person", "当面"),
            "satellite_phone": ("satellite phone", "卫星电话"), "video": ("video link", "视频连线")}

KPI_NAMES = {"aviation.share_within_2h": ("", "2 小时内航空力量到达比例"),
             "aviation.p50_min": ("", "首架航空器到达用时中位数"), "aviation.p90_min": ("", "首架航空器到达用时 P90"),
             "relief.share_within_10h": ("", "10 小时内获基本生活救助比例"),
             "relief.p90_hours": ("", "基本生活救助用时 P90"), "rescue.rescued_alive": ("", "被困人员生还获救"),
             "rescue.deaths": ("", "死亡人数"), "command.level": ("", "应急响应级别"),
             "command.time_to_level_min": ("", "启动应急响应用时"), "command.mutual_aid_min": ("", "区域联动支援用时")}
EFFECTS = {"new_incident": ("new incident", "新增灾情"), "cut_road": ("road cut", "道路中断"),
           "unserviceable": ("aircraft unserviceable", "航空器停飞"), "close_base": ("base closed", "机场关闭"),
           "false_report": ("false report", "不实报告")}
NEEDS = {"aviation": ("aviation", "航空力量"), "ground": ("ground teams", "地面救援队伍"),
         "relief": ("relief", "救灾物资")}
EVENTS = {"level": ("response level set", "响应级别启动"),
          "mutual_aid_approved": ("mutual aid approved", "区域联动获批"),
          "mutual_aid_arrived": ("mutual aid arrived", "区域联动力量到达"), "arrive": ("unit arrived", "力量到达"),
          "launch": ("aircraft launched", "航空器起飞"), "relieved": ("group relieved", "受灾群众获救助"),
          "deliver": ("supplies delivered", "物资送达"), "rescue": ("people rescued", "人员获救"),
          "report": ("report", "灾情报告"), "evacuate": ("evacuation", "转移")}
ITEMS = {"tents": ("tents", "帐篷"), "rations": ("rations", "口粮"), "water_l": ("water (l)", "饮用水（升）"),
         "quilts": ("quilts", "棉被")}
STATUSES = {"idle": "待命", "preparing": "准备中", "flying": "飞行中", "working": "作业中", "refuelling": "加油中",
            "holding": "待机", "loading": "装载中", "driving": "行驶中", "clearing": "抢通中", "activating": "集结中",
            "awaiting_airlift": "等待空运"}
# The engine's refusals (sim.command.interventions) in Chinese: pattern -> template.
ENGINE_ZH = ((r"(\S+) is (\w+), not available", "{0} {1}，不可用"), (r"no unit named '(.+)'", "无此力量 {0}"),
             (r"no affected site '(.+)'", "无此受灾点 {0}"), (r"no depot '(.+)'", "无此物资库 {0}"),
             (r"(\S+) cannot serve (\S+) \(.*\)", "{0} 无法执行 {1} 任务（机型、升限或空运任务限制）"),
             (r"the plan names no mutual-aid partners", "预案未规定区域联动伙伴"),
             (r"mutual aid has already been requested", "已请求过区域联动支援"),
             (r"(\S+) holds none of (.+)", "{0} 无 {1} 库存"), (r"(\S+) is not a helicopter", "{0} 不是直升机"),
             (r"no aircraft based at (\S+)", "{0} 无驻场航空器"), (r"(\S+) needs no more relief", "{0} 已无救助需求"),
             (r"no airlift sortie to (\S+) held for this desk is within (\S+)'s payload and ceiling",
              "本席位暂存的 {0} 物资空运架次均超出 {1} 的载重或升限"),
             (r"effect not applied: (.+)", "影响未生效：{0}"))

EN = {
    "lang": "en", "title": "After-action report / improvement plan", "overview": "Exercise overview", "drill": "Drill",
    "scenario": "Scenario", "seed": "Seed", "date": "Date", "roles": "Player roles", "played": "Play",
    "played_fmt": "{injects} injects released, {decisions} decisions", "branch": "Branch of",
    "objectives": "Objectives (HSEEP ratings P / S / M / U)", "col_id": "ID", "col_objective": "Objective",
    "col_owner": "Owner", "col_rating": "Rating", "col_met": "Met", "col_evidence": "Evidence", "yes": "met",
    "no": "not met", "level": "level {}", "within": "within {:g} min", "late_by": "late by {:.0f} min",
    "status:on_time": "on time", "status:missing": "missing", "status:not_released": "inject not released",
    "status:late": "late", "never": "never",
    "evidence_action": "{action}: taken {taken}, deadline {deadline} ({status})",
    "evidence_kpi": "{kpi} = {value} (target {target})", "over_2h": "over 2 h", "over_10h": "over 10 h",
    "rejected_issue": "order could not be carried out ({kind}): {why}",
    "timeline": "Decision timeline against expected actions",
    "timeline_note": "Each expected action (from an inject or an objective) with the first matching decision of the "
                     "room; then every decision, marked expected, unexpected (not in the MSEL) or rejected.",
    "col_source": "Source", "col_expected": "Expected action", "col_to": "Role", "col_from_t": "Clock from",
    "col_deadline": "Deadline", "col_taken": "Taken", "col_status": "Status", "decisions": "Decisions of the room",
    "col_time": "Time", "col_decision": "Decision", "col_by": "By", "col_result": "Result",
    "class:expected": "expected", "class:unexpected": "unexpected", "class:rejected": "rejected", "class:note": "note",
    "injects": "Injects released", "col_from_to": "From → to", "col_channel": "Channel", "col_message": "Message",
    "col_effect": "Effect", "kpis": "Key performance indicators", "col_kpi": "KPI",
    "compare": "Counterfactual: the two branches side by side",
    "compare_note": "Same scenario, same seed (same random draws); {b} replays {a} up to its branch minute, then "
                    "plays other decisions.", "col_branch": "Branch",
    "hot_wash": "Hot wash", "strengths": "Strengths", "areas": "Areas for improvement", "none": "none",
    "ip": "Improvement plan",
    "ip_note": "Grades: deficiency = fix before the next drill (不足项); corrective = must correct (整改项); "
               "improvement = recommended (改进项).",
    "col_n": "#", "col_issue": "Issue", "col_cause": "Root cause (from the events)", "col_action": "Corrective action",
    "col_element": "Capability element", "col_grade": "Grade", "col_start": "Start", "col_due": "Due",
    "element:planning": "planning", "element:organisation": "organisation", "element:equipment": "equipment",
    "element:training": "training", "element:exercise": "exercise", "grade:deficiency": "deficiency",
    "grade:corrective": "corrective", "grade:improvement": "improvement",
    "cause:air_learning": "most time was lost before command learned of the sites (reports late, communications cut)",
    "cause:air_deciding": "most time was lost between the first report and tasking an aircraft (the request climbed "
                          "level by level or waited for a free aircraft)",
    "cause:air_flying": "most time was lost in alert and flight: the aircraft are based far from the sites",
    "cause:relief": "supplies reached the homeless late: long road transfers from the depots, or approvals",
    "cause:late": "the action came after its deadline", "cause:missing": "the action was never taken",
    "cause:other_role": "another role acted, not the one the inject was addressed to",
    "cause:ineffective": "the unit ordered could not act: its base was closed",
    "cause:not_released": "the inject that starts its clock never fired", "cause:kpi": "the KPI missed its target",
    "cause:status_board": "the room ordered a unit or resource that was not available",
    "rec:air_learning": "task reconnaissance flights at the quick report to every place it shows cut off; issue "
                        "satellite phones to township posts",
    "rec:air_deciding": "pre-authorise aviation tasking from county or on-scene posts (flat command) at level IV",
    "rec:air_flying": "forward-deploy helicopters in the fault zone in the earthquake season (see the 'forward' plan)",
    "rec:relief": "pre-position township stocks and pre-approve provincial releases on the quick report",
    "rec:action_set_level": "write the magnitude / deaths triggers into the duty officer's checklist so the level is "
                            "proposed within 30 min",
    "rec:action_dispatch": "keep an aviation duty roster that tasks the nearest free aircraft on the first report",
    "rec:action_mutual_aid": "agree trigger conditions for Chengdu-Chongqing mutual aid in advance",
    "rec:action_release_stock": "give the supplies group standing authority to release stock on casualty thresholds",
    "rec:action_evacuate": "prepare evacuation routes and shelters per township", "rec:action_assign_airlift":
    "plan the split of helicopters between rescue and airlift", "rec:action_note": "brief the procedure",
    "rec:action_deny": "have the duty office check casualty reports with the county before they reach the "
                       "commander", "rec:action_verify": "have the duty office check casualty reports with the county",
    "rec:action_sitrep": "train the county post on 信息报送 / 续报 deadlines", "rec:action_request":
    "train the post to ask up the chain as soon as its own forces fall short",
    "rec:kpi": "review the plan section behind this target", "rec:drill_procedure":
    "train the role on this procedure and re-test it in the next drill",
    "rec:status_board": "keep the unit status board current in the command post",
    "line_2h": "2 h target", "line_10h": "10 h target", "ax_minutes": "minutes since onset",
    "ax_hours": "hours since onset", "ax_relieved": "homeless people relieved",
    "chart_reach": "First aircraft over each site vs the 2 h target", "chart_relief": "Basic relief vs the 10 h target",
    "chart_gantt": "Aircraft utilisation (launch → landing; × unserviceable)",
    "chart_level": "Response level (▼ the room's orders, dotted: injects)", "no_response": "none",
    "u_min": "{:.0f} min", "u_h": "{:.1f} h",
    "col_proposed": "Proposed", "col_signed": "Signed", "col_observations": "Signed reason, observations",
    "proposed": "proposed", "signed": "signed", "reason": "why signed differently", "col_seen": "Observations",
    "signed_by": "Ratings signed by {lead}; a signed rating that differs from the proposed one gives the reason.",
    "not_signed": "No lead evaluator has signed yet: every rating is the proposed one computed from the events "
                  "(write signoff.yaml in the drill folder, then `report` again).",
    "method": "Method: how the report credits actions",
    "method_rules": ["An expected action counts only when the role expected to act takes it (the MSEL's expect.by, "
                     "else the inject's addressee or the objective's owner; a decision of the whole room, without a "
                     "role, counts for any) with a unit of a kind that role tasks.",
                     "A dispatch of an aircraft whose base an inject closed is 'taken, ineffective': the report shows "
                     "the minute the aircraft really launched and judges the action by that minute.",
                     "One decision earns one expected action. An inject asking for the action of the objective it "
                     "serves, or repeating a missed inject's action, is counted under that one, not a second time.",
                     "Ratings computed from the events are proposed; the lead evaluator's signed rating, with a reason "
                     "where it differs, is the one reported."],
    "guides": "Evaluation guides: capability, critical tasks, evidence", "col_capability": "Capability target",
    "col_task": "Critical task", "col_evidence_events": "Evidence from the events",
    "ev_decisions": "{kind}: {times}", "ev_event": "{kind}: first {t} ({n})", "ev_none": "{kind}: none",
    "status:merged": "counted under {root}", "status:other_role": "taken by {role}, not the role expected: "
                                                                  "not credited",
    "status:ineffective": "taken, ineffective: {base} closed until {until}, launched {launch}",
    "class:ineffective": "taken, ineffective", "col_change": "Plan change", "col_effect_ci": "Measured effect",
    "change_fragment": "plan fragment: {keys}", "accepted": "accepted into {file}",
    "effect_fmt": "{id}: {diff} [{lo}, {hi}] over {n} paired runs",
    "seeds": "Counterfactual over {n} seeds: the two decision sets replayed on each",
    "col_mean_a": "mean {a}", "col_mean_b": "mean {b}", "col_diff_ci": "{b} − {a} [95 % CI]",
    "col_b_better": "seeds where {b} is better",
}
ZH = {
    "lang": "zh",
    "title": "演练评估总结报告 / 改进计划",
    "overview": "演练概况",
    "drill": "演练",
    "scenario": "情景",
    "seed": "随机种子",
    "date": "日期",
    "roles": "参演角色",
    "played": "推演",
    "played_fmt": "下发情景注入 {injects} 条，决策 {decisions} 项",
    "branch": "分支自",
    "objectives": "演练目标（HSEEP 评级 P / S / M / U）",
    "col_id": "编号",
    "col_objective": "目标",
    "col_owner": "责任方",
    "col_rating": "评级",
    "col_met": "达成",
    "col_evidence": "依据",
    "yes": "达成",
    "no": "未达成",
    "level": "{}级",
    "within": "{:g} 分钟内",
    "late_by": "迟 {:.0f} 分钟",
    "status:on_time": "按时",
    "status:missing": "缺失",
    "status:not_released": "注入未触发",
    "status:late": "迟",
    "never": "未到达",
    "evidence_action": "{action}：实际 {taken}，时限 {deadline}（{status}）",
    "evidence_kpi": "{kpi} = {value}（目标 {target}）",
    "over_2h": "超过 2 小时",
    "over_10h": "超过 10 小时",
    "rejected_issue": "指令无法执行（{kind}）：{why}",
    "timeline": "决策时间线与预期行动对照",
    "timeline_note": ("每项预期行动（来自情景注入或目标）与指挥部第一项相符的决策；"
                      "其后为全部决策，标注为预期、预期外（情景清单未列）或被拒。"),
    "col_source": "来源",
    "col_expected": "预期行动",
    "col_to": "角色",
    "col_from_t": "起算",
    "col_deadline": "时限",
    "col_taken": "实际",
    "col_status": "状态",
    "decisions": "指挥部决策",
    "col_time": "时间",
    "col_decision": "决策",
    "col_by": "决策方",
    "col_result": "结果",
    "class:expected": "预期",
    "class:unexpected": "预期外",
    "class:rejected": "被拒",
    "class:note": "记录",
    "injects": "已下发的情景注入",
    "col_from_to": "发送 → 接收",
    "col_channel": "方式",
    "col_message": "内容",
    "col_effect": "对推演的影响",
    "kpis": "关键绩效指标",
    "col_kpi": "指标",
    "compare": "反事实推演：两个分支对照",
    "compare_note": "同一情景、同一随机种子（相同随机抽样）；{b} 重演 {a} 至分支时刻，其后执行另一套决策。",
    "col_branch": "分支",
    "hot_wash": "现场点评",
    "strengths": "做得好的方面",
    "areas": "需改进的方面",
    "none": "无",
    "ip": "改进计划",
    "ip_note": "分级：不足项 = 下次演练前须整改；整改项 = 必须整改；改进项 = 建议改进。",
    "col_n": "序号",
    "col_issue": "问题",
    "col_cause": "原因（据事件流）",
    "col_action": "整改措施",
    "col_element": "能力要素",
    "col_grade": "分级",
    "col_start": "开始",
    "col_due": "完成期限",
    "element:planning": "预案",
    "element:organisation": "组织",
    "element:equipment": "装备",
    "element:training": "培训",
    "element:exercise": "演练",
    "grade:deficiency": "不足项",
    "grade:corrective": "整改项",
    "grade:improvement": "改进项",
    "cause:air_learning": "主要耗时在指挥部获知灾情之前（报告迟、通信中断）",
    "cause:air_deciding": "主要耗时在首报至派出航空器之间（请求逐级上报或等待空闲航空器）",
    "cause:air_flying": "主要耗时在准备与飞行：航空器驻地离灾区远",
    "cause:relief": "物资到达受灾群众迟：库点道路运距长或审批慢",
    "cause:late": "行动晚于时限",
    "cause:missing": "未采取该行动",
    "cause:other_role": "由其他角色采取，而非注入的接收方",
    "cause:ineffective": "所派力量无法行动：驻地机场已关闭",
    "cause:not_released": "起算的情景注入未触发",
    "cause:kpi": "指标未达目标",
    "cause:status_board": "指挥部调派了不可用的力量或物资",
    "rec:air_learning": "速报后即对显示通信中断的地点派出侦察飞行；为乡镇配发卫星电话",
    "rec:air_deciding": "IV级响应即授权县级或现场指挥部直接调用航空力量（扁平化指挥）",
    "rec:air_flying": "地震多发季在断裂带前置部署直升机（见 forward 预案）",
    "rec:relief": "乡镇前置储备物资，速报后预先批准省级调拨",
    "rec:action_set_level": "将震级、死亡人数启动条件写入值班检查单，30 分钟内提出响应级别",
    "rec:action_dispatch": "建立航空值班表，首报即派最近的空闲航空器",
    "rec:action_mutual_aid": "预先约定成渝区域联动的启动条件",
    "rec:action_release_stock": "授权物资保障组按伤亡阈值直接调拨",
    "rec:action_evacuate": "按乡镇预设转移路线与安置点",
    "rec:action_assign_airlift": "预先规划直升机在救援与物资空运间的分配",
    "rec:action_note": "讲解相关程序",
    "rec:action_deny": "值班室在报告到达指挥长前与县级核实伤亡信息",
    "rec:action_verify": "值班室与县级核实伤亡信息",
    "rec:action_sitrep": "培训县级指挥部信息报送与续报时限",
    "rec:action_request": "培训指挥部在本级力量不足时及时向上级请求",
    "rec:kpi": "复核该目标对应的预案章节",
    "rec:drill_procedure": "对该角色开展专项培训，下次演练复测",
    "rec:status_board": "指挥部保持力量状态板实时更新",
    "line_2h": "2 小时目标",
    "line_10h": "10 小时目标",
    "ax_minutes": "震后分钟",
    "ax_hours": "震后小时",
    "ax_relieved": "已获基本生活救助的受灾群众",
    "chart_reach": "各地点首架航空器到达时间与 2 小时目标",
    "chart_relief": "基本生活救助与 10 小时目标",
    "chart_gantt": "航空器使用（起飞 → 降落；× 不可用）",
    "chart_level": "应急响应级别（▼ 指挥部指令，虚线：情景注入）",
    "no_response": "未启动",
    "u_min": "{:.0f} 分钟", "u_h": "{:.1f} 小时",
    "col_proposed": "建议评级", "col_signed": "签署评级", "col_observations": "签署理由与评估观察",
    "proposed": "建议", "signed": "已签署", "reason": "签署理由", "col_seen": "评估观察",
    "signed_by": "评级由 {lead} 签署；签署评级与建议评级不同时注明理由。",
    "not_signed": ("评估组组长尚未签署：所有评级均为据事件流计算的建议评级"
                   "（在演练目录写入 signoff.yaml 后重新生成报告）。"),
    "method": "评估方法：行动如何计入",
    "method_rules": ["预期行动只有由应当行动的角色采取（情景清单 expect.by 指定的角色，"
                     "否则为注入的接收方或目标的责任方；"
                     "未注明角色的全体决策对任何角色有效），并使用该角色所调度类型的力量时，才计入。",
                     "派遣驻地机场已被注入关闭的航空器，记为“已采取、未生效”：报告列出航空器实际起飞时刻，并按该时刻评判。",
                     "一项决策只计入一项预期行动。要求的行动与其所属目标相同的注入，或重复已错过注入所要求行动的注入，"
                     "计入原预期行动，不重复计算。",
                     "据事件流计算的评级为建议评级；报告采用评估组组长签署的评级，与建议评级不同时注明理由。"],
    "guides": "评估指南：能力目标、关键任务与事件证据", "col_capability": "能力目标", "col_task": "关键任务",
    "col_evidence_events": "事件证据",
    "ev_decisions": "{kind}：{times}", "ev_event": "{kind}：首次 {t}（共 {n} 次）", "ev_none": "{kind}：无",
    "status:merged": "计入 {root}", "status:other_role": "由 {role} 采取，非应当行动的角色：不计入",
    "status:ineffective": "已采取、未生效：{base} 关闭至 {until}，实际起飞 {launch}",
    "class:ineffective": "已采取、未生效", "col_change": "预案修订", "col_effect_ci": "实测效果",
    "change_fragment": "预案片段：{keys}", "accepted": "已纳入 {file}",
    "effect_fmt": "{id}：{diff} [{lo}, {hi}]，{n} 组配对推演",
    "seeds": "多随机种子反事实推演（{n} 个种子，两套决策在每个种子上重演）",
    "col_mean_a": "{a} 均值", "col_mean_b": "{b} 均值", "col_diff_ci": "{b} − {a} [95% 置信区间]",
    "col_b_better": "{b} 更优的种子比例",
}
TEXT = {"en": EN, "zh": ZH}
for _lang, _i in (("en", 0), ("zh", 1)):
    TEXT[_lang].update({f"kind:{k}": v[_i] for k, v in KINDS.items()})
    TEXT[_lang].update({f"ch:{k}": v[_i] for k, v in CHANNELS.items()})
    TEXT[_lang].update({f"effect:{k}": v[_i] for k, v in EFFECTS.items()})
    TEXT[_lang].update({f"item:{k}": v[_i] for k, v in ITEMS.items()})
    TEXT[_lang].update({f"need:{k}": v[_i] for k, v in NEEDS.items()})
    TEXT[_lang].update({f"event:{k}": v[_i] for k, v in EVENTS.items()})
    TEXT[_lang].update({f"kpi:{k}": f"{v[_i]} ({k})" if v[_i] else k for k, v in KPI_NAMES.items()})
TEXT["zh"].update({f"status_word:{k}": v for k, v in STATUSES.items()})

# Words of the drill room's pages (drills/server): key -> (English, Chinese); the JS reads them by key.
PAGE_WORDS = {
    "title": ("Drill room", "演练室"), "join": ("Join", "加入"), "code": ("Join code", "加入码"),
    "join_help": ("Type the code your controller gave your desk.", "请输入导调组发给本席位的加入码。"),
    "bad_code": ("Unknown join code.", "加入码无效。"), "leave": ("Leave desk", "退出席位"),
    "clock": ("Scenario clock", "推演时钟"), "paused": ("paused", "已暂停"), "running": ("running", "运行中"),
    "not_started": ("waiting for STARTEX", "等待开始"), "ended": ("ENDEX: drill over", "演练已结束"),
    "speed": ("speed ×", "速度 ×"), "level": ("Response level", "响应级别"), "none": ("none", "无"),
    "injects": ("Injects to this desk", "本席位收到的情景注入"), "ack": ("Acknowledge", "确认收到"),
    "acked": ("acknowledged", "已确认"), "reports": ("Reports that reached this post", "本级收到的灾情报告"),
    "site": ("Site", "地点"), "deaths": ("Deaths (reported)", "报告死亡"), "as_of": ("At", "时间"),
    "lag": ("Lag", "滞后"), "error": ("Error", "误差"), "since_onset": ("after onset", "震后"),
    "rumour": ("unverified: not from the chain", "未核实：非逐级上报"), "verified": ("verified", "已核实"),
    "denied": ("denied", "已否定"), "sitrep_own": ("our sitrep", "本级报送"),
    "error_band": ("estimates err by about ×/÷ {f}", "估计误差约 ×/÷ {f}"),
    "units": ("Our units", "本席位力量"), "depots": ("Our depots", "本席位物资库"),
    "status": ("Status", "状态"), "unit": ("Unit", "力量"), "type": ("Type", "类型"), "stock": ("Stock", "库存"),
    "requests": ("Requests addressed to this post", "请求本级支援"), "need": ("Need", "需求"),
    "held": ("Held for this desk to decide (dispatch, release stock, assign airlift or request up)",
             "待本席位决定的请求（派出力量、调拨物资、指派空运或向上请求）"),
    "held_since": ("Held since", "暂存自"), "held_at": ("Held at", "暂存于"), "waiting": ("waiting", "待决定"),
    "by_road": ("road reopened: sent by truck", "道路抢通：已改陆运"),
    "forwarded": ("asked up the chain", "已向上级请求"),
    "route": ("Route", "报送方式"), "chain": ("up the chain", "逐级上报"),
    "flat": ("flat, to the national post", "越级直报国家"), "airlift": ("airlift sortie", "物资空运架次"),
    "nothing_held": ("Nothing is waiting for this desk.", "暂无待决定的请求。"),
    "held_all": ("Held at played posts, waiting for their desks", "各参演席位待决定的请求"),
    "waited": ("Waited", "已等待"), "nothing_held_all": ("No desk is holding a request.", "暂无席位待决定的请求。"),
    "from": ("From", "来自"), "to": ("To", "发往"), "orders": ("Orders", "下达指令"), "send": ("Send", "发送"),
    "decisions": ("Decisions of this desk", "本席位决策"), "result": ("Result", "结果"),
    "ok": ("done", "已执行"), "refused": ("refused", "拒绝"), "failed": ("not carried out", "未能执行"),
    "no_orders": ("This desk gives no orders.", "本席位不下达指令。"),
    "place": ("Place", "地点"), "level_pick": ("Level", "级别"), "depot": ("Depot", "物资库"),
    "item": ("Item", "物资"), "quantity": ("Quantity", "数量"), "share": ("Share (0-1)", "比例 (0-1)"),
    "text": ("Note", "说明"), "aviation": ("aviation", "航空"), "ground": ("ground teams", "地面队伍"),
    "relief": ("relief supplies", "救灾物资"),
    "control": ("Exercise control", "导调控制"), "startex": ("STARTEX", "开始演练"), "endex": ("ENDEX", "结束演练"),
    "endex_confirm": ("End the drill now? The rest of the scenario is played out and the report written.",
                      "现在结束演练？将推演剩余时段并生成评估报告。"),
    "pause": ("Pause", "暂停"), "resume": ("Resume", "继续"), "jump": ("Jump to (HH:MM)", "跳至 (时:分)"),
    "set_speed": ("Set speed", "设置速度"), "adhoc": ("Ad-hoc inject / SimCell answer", "临时注入 / 模拟单元回复"),
    "as_post": ("From (sender or unplayed post)", "发送方（或未推演的单位）"), "channel": ("Channel", "方式"),
    "message": ("Message", "内容"), "inject_table": ("Injects: delivered and acknowledged", "情景注入：送达与确认"),
    "released": ("Released", "下发"), "delivered": ("Delivered", "送达"), "acknowledged": ("Acknowledged", "确认"),
    "upcoming": ("Scheduled injects", "待下发的情景注入"), "desks": ("Desks", "席位"),
    "connected": ("connected", "在线"), "played": ("played by the room", "由人推演"),
    "simulated": ("simulated", "由模型模拟"), "truth": ("Ground truth (controllers only)", "真实情况（仅导调组）"),
    "dead": ("Dead", "死亡"), "trapped": ("Trapped", "被困"), "homeless": ("Homeless", "无家可归"),
    "reported_lead": ("Reported to lead", "报至牵头指挥部"), "all_decisions": ("All decisions", "全部决策"),
    "desk": ("Desk", "席位"), "time": ("Time", "时间"), "decision": ("Decision", "决策"),
    "report_at": ("Report written to {p}", "评估报告已写入 {p}"),
    "offline": ("connection lost: retrying", "连接中断，重连中"),
    "role_desk": ("desk", "席位"), "post": ("Post", "指挥部"), "evaluator": ("Evaluator: observes, gives no orders",
                                                                               "评估组：记录观察，不下达指令"),
    "observations": ("Evaluator observations", "评估观察记录"), "objective": ("Objective", "演练目标"),
    "task": ("Critical task", "关键任务"), "observation": ("Observation", "观察记录"),
    "log_observation": ("Log observation", "记录"),
}
PAGES = {lang: {**{k: v[i] for k, v in PAGE_WORDS.items()}, **{f"kind:{k}": v[i] for k, v in KINDS.items()},
                 **{f"ch:{k}": v[i] for k, v in CHANNELS.items()}} for lang, i in (("en", 0), ("zh", 1))}

_BILINGUAL = re.compile(r"^(.*[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef][^A-Za-z]*?)\s*(?:/\s*)?([A-Za-z].*)$", re.S)


def local(text: str, lang: str) -> str:
    """An MSEL's bilingual text ("省航空救援调度组 Aviation group") in one language: the Chinese part in a
    Chinese report; English reports keep the whole text (the Chinese names help readers there)."""
    m = _BILINGUAL.match(text or "")
    if not m or lang != "zh":
        return text
    short = m[1].strip().rstrip("/").strip()
    return short + ")" if short.count("(") > short.count(")") else short


def engine(message: str, lang: str) -> str:
    """A refusal of the engine in the report's language (English as the engine wrote it)."""
    if lang != "zh":
        return message
    for pattern, template in ENGINE_ZH:
        m = re.fullmatch(pattern, message)
        if m:
            return template.format(*(STATUSES.get(g, g) for g in m.groups()))
    return message

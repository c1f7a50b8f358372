"""The demo programme's service archive and requests: the teams' work from spring 2025 to 24 November 2026.

Every listed unit has a record of visits, consultations, briefings, trainings, routine contacts and matchmaking by
its serving team (sometimes with invited experts, some advancing measures of the plan in force), and ~500 requests of
every kind in every state: waiting to be accepted (some past the limit), accepted, in progress, answered, referred to
another department (some with its reply recorded), closed with ratings, a few reopened; about one in ten answered
late. The `unit` login's unit and the `leader`'s team have a few of each, and the `expert` login is invited to some.

Everything is written through archives/services.py, so the records obey the workflow and its clocks. Where a service
stamps the real "now" (created_at, closed_at, a reopening's message, the history rows), the stamp is moved afterwards
with bulk updates to the moment the step happened; the constraints still hold. No attachment files are written: the
media directory stays clean.

Built whole or not at all: an activity or a request has no natural key (two visits on the same day are two records)
and a request is a history rather than a row that could be compared with its demo twin, so a rerun cannot tell which
records are already there. Any activity or request in the database therefore means the archive was built (or holds
real records, to which a demo must never add): build_archive then does nothing.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import models

from accounts.models import Role, User
from archives.models import Activity, Referral, Request, RequestKind, RequestMessage
from archives.services import (
    Advance,
    activity_create,
    referral_reply_record,
    request_accept,
    request_close,
    request_invite_expert,
    request_refer,
    request_reopen,
    request_reply,
    request_submit,
    response_limits,
)
from huhang import workdays
from plans import demo as plans_demo
from plans.models import Measure, Plan, PlanEvent, ProgressNote
from teams.demo import DEMO_EXPERT
from teams.models import Assignment, Membership, Person
from units.demo import person_name
from units.models import Unit

TZ = ZoneInfo("Asia/Shanghai")
LAST_DAY = datetime.date(2026, 11, 24)  # the day before the demo's "today" (2026-11-25)
CUTOFF = datetime.datetime(2026, 11, 25, tzinfo=TZ)  # nothing happens after yesterday
REQUESTS = 500
MEAN_GAP = 230  # days between two activities for a unit; the leader's team is busier
SHOWCASE_GAP = 40

Kind = Activity.Kind
KIND_WEIGHTS = {
    Kind.VISIT: 26,
    Kind.CONSULTATION: 26,
    Kind.ROUTINE_CONTACT: 18,
    Kind.BRIEFING: 10,
    Kind.TRAINING: 10,
    Kind.MATCHMAKING: 10,
}
EXPERT_CHANCE = {
    Kind.CONSULTATION: 0.5,
    Kind.TRAINING: 0.3,
    Kind.MATCHMAKING: 0.25,
    Kind.BRIEFING: 0.2,
    Kind.VISIT: 0.15,
}
ADVANCE_WEIGHTS = {  # how many measures an activity of the kind advances: 0, 1 or 2
    Kind.VISIT: (25, 50, 25),
    Kind.CONSULTATION: (25, 50, 25),
    Kind.TRAINING: (50, 45, 5),
    Kind.BRIEFING: (55, 40, 5),
    Kind.MATCHMAKING: (45, 45, 10),
    Kind.ROUTINE_CONTACT: (85, 15, 0),
}
IP_TOPICS = [
    "高价值专利培育",
    "专利布局",
    "PCT国际专利申请",
    "商业秘密保护",
    "侵权监测预警",
    "专利转化运用",
    "标准必要专利布局",
    "知识产权管理体系贯标",
    "海外知识产权纠纷应对",
    "知识产权质押融资",
    "职务发明奖励报酬",
    "产品出口FTO分析",
    "专利导航",
    "优先审查和快速预审",
    "马德里商标国际注册",
    "数据知识产权登记",
]
AGENCIES = [
    "浙江知识产权交易中心",
    "杭州银行科技支行",
    "中国银行浙江省分行",
    "浙江省技术市场促进会",
    "杭州华知专利事务所",
]
POSITIONS = ["研发部", "法务部", "科研处", "知识产权办", "技术中心", "成果转化办"]

# Per kind: what was done, what came of it, what follows. {topic} is the unit's technical topic, {ip} an IP matter.
FIRST_VISIT = (
    "首次上门走访，对接单位知识产权工作负责人，了解单位基本情况、{topic}方向的研发布局和知识产权现状，"
    "介绍护航行动的服务内容和联系机制。"
)
SUMMARIES = {
    Kind.VISIT: [
        "上门走访，与单位分管领导和知识产权负责人座谈，了解{topic}方向的研发进展和近期专利申请情况，"
        "重点听取了{ip}方面的需求。",
        "赴单位研发中心实地调研，查看{topic}项目的研发记录和技术交底材料，就{ip}工作逐项交换意见。",
        "走访单位，对照服务方案逐项检查举措落实情况，现场解答了关于{ip}的问题。",
        "开展季度回访，了解上次会商意见的落实情况，并就{ip}提出下一步工作建议。",
        "深入{topic}课题组座谈，了解在研项目的技术方案，现场挖掘可申请专利的技术点。",
    ],
    Kind.CONSULTATION: [
        "围绕{ip}召开专题会商，与单位研发骨干逐项研究{topic}技术方案的保护策略。",
        "就{topic}产品拟出口欧美市场召开会商，分析主要竞争对手的专利布局和潜在侵权风险。",
        "召开{ip}专题会商，讨论单位提交的技术交底书，明确权利要求布局和申请路径。",
        "针对单位反映的技术秘密外泄风险召开会商，研究涉密人员管理和竞业限制措施。",
        "与单位法务、研发部门会商{topic}合作研发项目的知识产权权属和收益分配条款。",
    ],
    Kind.BRIEFING: [
        "为单位中层以上干部宣讲护航行动政策，解读专利转化运用专项行动和省市知识产权资助政策。",
        "解读新修订的专利法实施细则和专利审查指南，重点讲解与{ip}有关的变化。",
        "宣讲知识产权质押融资、专利保险等金融支持政策，介绍省内典型案例。",
        "解读知识产权管理体系国家标准，结合单位实际讲解贯标认证的流程和要点。",
        "宣讲商业秘密保护的法律规定和典型案例，提示研发和销售环节的泄密风险。",
    ],
    Kind.TRAINING: [
        "为研发人员举办专利挖掘与技术交底书撰写培训，结合{topic}案例讲解。",
        "开展专利检索实务培训，演示利用专利数据库开展{topic}技术查新和竞争对手分析。",
        "举办商业秘密保护培训，讲解涉密信息识别、分级管理和离职人员管理。",
        "开展海外知识产权风险防控培训，介绍美国337调查和欧洲统一专利法院诉讼的应对要点。",
        "为单位知识产权专员开展贯标内审员培训。",
    ],
    Kind.ROUTINE_CONTACT: [
        "电话联系单位知识产权负责人，了解{ip}工作的推进情况。",
        "通过工作群与单位沟通{topic}项目专利申请的审查意见答复期限。",
        "电话回访上次走访提出的整改事项，逐项核对完成情况。",
        "与单位知识产权专员沟通下月专题会商的议题和参加人员。",
        "提醒单位关注专利年费缴纳期限，核对近期到期的专利清单。",
    ],
    Kind.MATCHMAKING: [
        "组织单位与{agency}对接，洽谈{topic}专利组合的许可和转让。",
        "陪同单位与{agency}对接知识产权质押融资，介绍评估和质押登记流程。",
        "组织{topic}领域专利成果供需对接会，单位现场发布可转化专利。",
        "对接高水平专利代理机构，为单位海外专利布局推荐合作机构。",
        "对接中国（浙江）知识产权保护中心，为单位办理专利预审备案。",
    ],
}
OUTCOMES = {
    Kind.VISIT: [
        "梳理出可申请专利的技术点{n}个，单位同意年内提交发明专利申请。",
        "形成问题清单{n}项，已与单位约定整改责任人和完成时间。",
        "单位确认了{ip}的工作思路，由团队骨干牵头制定实施计划。",
        "摸清了单位知识产权管理的薄弱环节，作为完善服务方案的依据。",
    ],
    Kind.CONSULTATION: [
        "明确了核心专利加外围专利的布局方案，拟对核心专利申请优先审查。",
        "形成会商意见书一份，建议通过PCT途径重点进入美国、欧洲和日本。",
        "提出修改意见{n}条，单位已按意见修改合作协议。",
        "确定先行开展FTO检索，再决定产品上市节奏。",
    ],
    Kind.BRIEFING: [
        "参加人员{n}0余人，现场答疑{m}个问题。",
        "单位拟申报省知识产权示范企业，团队将跟进辅导。",
        "单位对资助政策有了系统了解，计划年内申报{m}项。",
    ],
    Kind.TRAINING: ["参训{n}0余人，课后测试合格率{pct}%。", "参训{n}0余人，收集到专利申请线索{m}条。"],
    Kind.ROUTINE_CONTACT: [
        "单位反馈进展顺利，暂无新的需求。",
        "了解到单位新的需求，已列入下次会商议题。",
        "整改事项已完成{m}项，其余正在推进。",
        "",
    ],
    Kind.MATCHMAKING: [
        "有{m}家企业表达合作意向，单位将进一步洽谈。",
        "银行初步授信{n}00万元，进入评估环节。",
        "单位完成预审备案，今后可通过快速通道提交申请。",
        "单位与两家机构签订了服务意向。",
    ],
}
FOLLOW_UPS = [
    "两周内提交专利挖掘清单；下月回访检查落实情况。",
    "整理纪要发单位确认；协调专家开展专题会商。",
    "跟踪{ip}工作进展，月底前电话回访。",
    "会商意见书一周内送达单位，跟踪申请提交情况。",
    "请保护中心协助安排预审；专家出具书面意见。",
    "",
    "",
]
PROGRESS = [
    "结合本次活动与单位确认了工作方案和时间表。",
    "完成阶段性工作，书面材料已交单位。",
    "已召开专题会商，明确了下一步分工。",
    "单位已按建议落实，团队正在跟踪效果。",
]
PROGRESS_DONE = "本项举措已完成，相关材料已归档。"


class Ask(NamedTuple):
    """A request as a unit writes it, the team's answer, and where it goes when it is referred."""

    title: str
    text: str
    answer: str
    department: str = ""
    department_reply: str = ""


ASKS = {
    RequestKind.CONSULTATION: [
        Ask(
            "职务发明奖励报酬标准如何确定",
            "单位拟修订职务发明奖励办法，请问奖励和报酬的法定标准是什么？约定优先时应注意哪些问题？",
            "您好。单位未与发明人约定、也未在规章制度中规定的，按专利法实施细则的标准执行；建议在办法中明确"
            "奖励和报酬的方式、数额和兑现时间，约定优先。我省示范企业的办法范本已发给贵单位参考。",
        ),
        Ask(
            "专利权评价报告的申请流程",
            "{topic}相关的一件实用新型专利拟用于维权，请问如何申请专利权评价报告，大约需要多长时间？",
            "专利权人或利害关系人可向国家知识产权局请求作出专利权评价报告，一般在受理后两个月内出具。"
            "申请表和注意事项已整理发送，如需团队协助核对材料请告知。",
        ),
        Ask(
            "PCT申请进入国家阶段的期限",
            "单位一件{topic}的PCT申请优先权日为去年{m}月，请问进入美国、欧洲国家阶段的期限和费用大致是多少？",
            "进入国家阶段的期限一般为自优先权日起30个月（欧洲为31个月）。已按目标国整理了官费和代理费的大致"
            "区间，并提醒翻译文本需提前两个月准备。",
        ),
        Ask(
            "专利申请资助政策咨询",
            "请问今年省、市两级对发明专利授权和PCT申请的资助标准，以及申报时间。",
            "已将省、市两级最新资助政策和申报时间表发送贵单位；目前政策以高价值专利和海外布局为导向，"
            "单纯的授权资助已取消，建议关注PCT和海外授权奖励。",
        ),
        Ask(
            "合作研发成果的专利权属",
            "单位与某高校合作开展{topic}研发，合同未约定专利权属，请问成果归属如何认定？",
            "合作开发未约定的，申请专利的权利属于完成或共同完成的单位，共有专利的实施和许可应遵守相关规定。"
            "建议尽快与合作方签订补充协议，明确权属和收益分配。",
        ),
    ],
    RequestKind.GUIDANCE: [
        Ask(
            "{topic}技术交底书撰写指导",
            "研发团队完成了{topic}的一项新方案，拟申请发明专利，请指导技术交底书撰写和权利要求布局。",
            "团队骨干已与研发人员逐条梳理，建议将核心方案写入独立权利要求，另布局{n}项从属权利要求；"
            "修改后的交底书已回传，请确认后提交代理机构。",
        ),
        Ask(
            "知识产权管理体系贯标指导",
            "单位计划明年通过知识产权管理体系认证，请指导体系文件编写和内审准备。",
            "已提供体系文件清单和模板，建议先完成管理手册和程序文件，再组织内审员培训；团队将在下次走访时"
            "现场检查体系运行记录。",
        ),
        Ask(
            "商业秘密管理制度建设指导",
            "近期有核心技术人员离职，请指导建立商业秘密分级管理和离职交接制度。",
            "建议按核心、重要、一般三级建立秘密清单，签订保密协议和竞业限制协议，离职时做好载体回收和书面提醒。"
            "制度范本已发送，可结合单位实际修改。",
        ),
        Ask(
            "海外商标注册策略",
            "{topic}产品拟出口东南亚，请指导马德里商标国际注册的国家选择和类别。",
            "建议优先指定越南、泰国、印度尼西亚和马来西亚，覆盖主营产品所在类别及相关服务类别；"
            "马德里途径费用较逐国申请节省约四成，申请材料清单已发送。",
        ),
    ],
    RequestKind.PATENT_NAVIGATION: [
        Ask(
            "{topic}领域专利导航",
            "单位拟在{topic}方向立项新的研发项目，希望开展专利导航，摸清技术路线和主要竞争对手的布局。",
            "专利导航已完成，检索分析相关专利{n}00余件，报告指出了{m}个技术空白点和需要规避的风险专利，"
            "已当面向研发团队汇报。",
        ),
        Ask(
            "重大项目立项前的专利分析",
            "单位申报的省重大科技项目涉及{topic}，请在立项前开展知识产权分析评议。",
            "分析评议报告已出具：项目技术路线总体可行，存在{m}件高相关专利需重点规避，建议同步布局外围专利。",
        ),
    ],
    RequestKind.PRE_EXAMINATION: [
        Ask(
            "{topic}发明专利申请快速预审",
            "单位有{m}件{topic}相关的发明专利申请拟通过保护中心快速预审，请协助确认是否属于预审领域并办理。",
            "经与保护中心确认，申请属于预审服务领域；已指导单位完成备案和材料准备，{m}件申请已进入预审。",
        ),
        Ask(
            "预审备案主体资格",
            "单位此前未在保护中心备案，请问办理专利快速预审需要先完成哪些手续？",
            "需先在保护中心完成备案主体资格审核，所需材料为营业执照、研发能力证明和承诺书；"
            "已协助单位提交，审核通过后即可提交预审申请。",
        ),
    ],
    RequestKind.PRIORITY_EXAMINATION: [
        Ask(
            "核心专利申请优先审查",
            "单位{topic}的核心专利申请涉及省重点研发项目，请问能否办理优先审查，需要哪些材料？",
            "符合优先审查管理办法规定的情形，需提交优先审查请求书、现有技术检索报告及项目证明；"
            "材料已指导准备完毕，已由省局推荐提交。",
        ),
        Ask(
            "产品上市前的专利优先审查",
            "{topic}新产品下季度上市，相关发明专利申请希望尽快授权，请协助办理优先审查。",
            "已协助完成检索报告和推荐意见，优先审查请求已获同意，预计一年内结案。",
        ),
    ],
    RequestKind.COMMERCIALISATION: [
        Ask(
            "专利许可定价咨询",
            "有企业希望获得单位{topic}专利的独占许可，请帮助评估许可费和合同要点。",
            "已邀请评估机构给出许可费区间，并提示合同应明确许可范围、期限、改进技术归属和违约责任；"
            "合同审查意见已反馈。",
        ),
        Ask(
            "知识产权质押融资对接",
            "单位拟以{topic}专利组合质押融资约{n}00万元，请协助对接银行。",
            "已对接两家银行并推荐评估机构，银行已完成尽职调查，评估报告出具后即可办理质押登记。",
        ),
        Ask(
            "专利开放许可",
            "单位有一批{topic}专利长期未实施，想了解专利开放许可的办理方式。",
            "已指导单位筛选{m}件适合开放许可的专利并拟定许可费标准，开放许可声明已提交。",
        ),
    ],
    RequestKind.MONITORING: [
        Ask(
            "{topic}竞争对手专利监测",
            "请对国内外主要竞争对手在{topic}方向的专利申请进行持续监测预警。",
            "已建立监测清单，覆盖竞争对手{m}家，每月推送监测报告；首期报告显示有{n}件申请与单位产品相关度较高，"
            "建议重点关注。",
        ),
        Ask(
            "海外展会知识产权风险排查",
            "单位将参加德国汉诺威工业博览会，请对拟展出的{topic}产品进行知识产权风险排查。",
            "已完成展品的专利和商标风险排查，未发现高风险专利；已编写展会知识产权应急手册并提醒随身携带权利证明。",
        ),
    ],
    RequestKind.ENFORCEMENT: [
        Ask(
            "疑似侵权产品维权指导",
            "发现电商平台上有产品疑似侵犯单位{topic}相关发明专利，请指导取证和维权途径。",
            "建议先公证购买取证并委托开展侵权比对；可向保护中心申请快速维权，或向市场监管部门请求行政裁决。"
            "已介绍两家律师事务所供选择。",
        ),
        Ask(
            "商业秘密侵权线索处理",
            "前员工疑似将{topic}核心工艺带至竞争企业，请指导如何处理。",
            "建议先固定证据、梳理秘密点和保密措施；涉嫌犯罪的可向公安经侦部门报案。团队已协调知产警官提供咨询。",
        ),
        Ask(
            "海外专利律师函应对",
            "单位收到海外竞争对手的律师函，指控{topic}产品侵犯其专利，请指导应对。",
            "已组织律师分析来函和涉案专利，初步判断侵权风险较低；建议暂不书面回应，先完成不侵权分析，"
            "同时检索对方专利的无效证据。",
        ),
    ],
    RequestKind.SERVICE_AGENCY: [
        Ask(
            "推荐海外专利代理机构",
            "单位拟在美国、欧洲布局{topic}专利，请推荐有经验的代理机构。",
            "已推荐三家具有涉外代理经验的机构并提供联系人，单位可比选后委托。",
        ),
        Ask(
            "知识产权评估机构对接",
            "单位拟以专利作价入股成立合资公司，请推荐资产评估机构。",
            "已推荐两家具备知识产权评估经验的机构，并提示评估报告应覆盖专利组合的剩余有效期和实施情况。",
        ),
    ],
    RequestKind.OTHER_DEPARTMENT: [
        Ask(
            "办理海关知识产权保护备案",
            "单位{topic}产品出口量大，希望办理海关知识产权保护备案，防止侵权产品出口，请问如何办理？",
            "海关知识产权备案由海关办理，团队已整理在线备案指南和所需材料供单位参考。",
            "杭州海关",
            "已指导单位通过海关知识产权保护系统在线提交备案，备案已核准，有效期十年。",
        ),
        Ask(
            "科技成果转化奖励的个税政策",
            "单位拟对{topic}成果转化团队发放现金奖励，请问个人所得税如何计算？",
            "该事项属于税务部门职责，团队已提供相关政策文件，具体以税务部门答复为准。",
            "国家税务总局浙江省税务局",
            "职务科技成果转化现金奖励可减按50%计入当月工资薪金所得；政策文件和申报要求已发单位。",
        ),
        Ask(
            "引进海外高层次人才政策",
            "单位拟引进一位{topic}方向的海外高层次人才，请问有哪些支持政策？",
            "人才政策由人力社保部门负责，团队已提供省级人才计划的公开申报指南。",
            "浙江省人力资源和社会保障厅",
            "已介绍省级人才计划的申报条件和时间安排，单位已按要求准备申报材料。",
        ),
        Ask(
            "技术合同认定登记",
            "单位一项{topic}技术转让合同需要办理认定登记以享受税收优惠，请问在哪里办理？",
            "技术合同认定登记由科技部门办理，团队已告知受理窗口和所需材料。",
            "{city}科技局",
            "技术合同已完成认定登记，可享受技术转让所得减免企业所得税政策。",
        ),
        Ask(
            "展会期间的侵权投诉",
            "单位在展会上发现参展商展出的产品疑似侵犯单位外观设计专利，请协助处理。",
            "展会侵权投诉由展会知识产权投诉站受理，团队已告知投诉流程。",
            "浙江省商务厅",
            "已联系展会知识产权投诉站受理投诉，涉嫌侵权展品已撤展。",
        ),
    ],
}
# Where a request of another kind is referred, and what the department replies.
REFERRALS = {
    RequestKind.ENFORCEMENT: [
        ("省市场监管局执法稽查局", "已受理投诉，经核查涉嫌侵权产品{m}批次，已责令下架并立案调查，处理结果将书面告知。"),
        ("{city}市场监督管理局", "已对被投诉企业开展现场检查，对方已停止销售涉嫌侵权产品，双方在调解下达成和解。"),
        (
            "浙江省知识产权保护中心",
            "已纳入快速维权通道，侵权判定咨询意见已出具，建议单位据此与对方协商或请求行政裁决。",
        ),
        ("浙江省公安厅经侦总队", "已接收线索并开展初查，请单位配合提供技术秘密鉴定材料。"),
    ],
    RequestKind.COMMERCIALISATION: [
        ("{city}科技局", "已将项目纳入科技成果转化重点项目库，可申报转化奖补，申报通知发布后将另行告知。"),
        ("浙江知识产权交易中心", "已在交易平台挂牌，期间有{m}家企业咨询，已组织一次线上路演。"),
    ],
    RequestKind.SERVICE_AGENCY: [
        ("浙江省知识产权研究与服务中心", "已推荐{m}家服务机构供单位比选，并提供了服务质量评价信息。"),
    ],
}
REFER_CHANCE = {
    RequestKind.OTHER_DEPARTMENT: 0.85,
    RequestKind.ENFORCEMENT: 0.25,
    RequestKind.COMMERCIALISATION: 0.15,
    RequestKind.SERVICE_AGENCY: 0.15,
}
KIND_SHARE = {
    RequestKind.CONSULTATION: 22,
    RequestKind.GUIDANCE: 14,
    RequestKind.PATENT_NAVIGATION: 8,
    RequestKind.PRE_EXAMINATION: 12,
    RequestKind.PRIORITY_EXAMINATION: 8,
    RequestKind.COMMERCIALISATION: 9,
    RequestKind.MONITORING: 7,
    RequestKind.ENFORCEMENT: 7,
    RequestKind.SERVICE_AGENCY: 6,
    RequestKind.OTHER_DEPARTMENT: 7,
}
# How often a kind is answered (or referred) at once, within the accept limit.
QUICK = {
    RequestKind.CONSULTATION: 0.75,
    RequestKind.OTHER_DEPARTMENT: 0.6,
    RequestKind.SERVICE_AGENCY: 0.5,
    RequestKind.GUIDANCE: 0.4,
    RequestKind.COMMERCIALISATION: 0.25,
}
EXPERT_KINDS = {
    RequestKind.GUIDANCE,
    RequestKind.PATENT_NAVIGATION,
    RequestKind.MONITORING,
    RequestKind.ENFORCEMENT,
    RequestKind.COMMERCIALISATION,
}
AREA_CODES = {
    "杭州市": "0571",
    "宁波市": "0574",
    "温州市": "0577",
    "嘉兴市": "0573",
    "湖州市": "0572",
    "绍兴市": "0575",
    "金华市": "0579",
    "衢州市": "0570",
    "舟山市": "0580",
    "台州市": "0576",
    "丽水市": "0578",
}
REFER_NOTE = "该事项属于{department}的职责范围，团队已将材料转交并电话沟通，联系人：{contact}。团队将跟踪办理进展。"
NOTES = [
    "已电话联系单位确认需求细节，相关材料已收齐。",
    "已请保护中心确认技术领域分类，等待回复。",
    "答复初稿已完成，请组长审核后回复单位。",
    "涉及{topic}技术细节，拟邀请专家出具意见。",
    "检索已完成，相关专利{n}0余件，正在做对比分析。",
]
EXPERT_NOTES = [
    "专家意见：从检索结果看，新颖性问题不大，但创造性论证需要补充对比实验数据。",
    "专家意见：建议暂不书面回应对方，先完成不侵权分析，同时检索无效证据。",
    "专家意见：方案可行，建议将{topic}的关键工艺参数作为技术秘密保护，不写入专利申请。",
]
UNIT_FOLLOW_UPS = [
    "感谢答复。请问所附材料是否需要加盖单位公章？",
    "收到。如果合作方不同意，是否还有其他途径？",
    "请问这项工作大概需要多长时间，期间需要我们配合什么？",
]
SECOND_ANSWERS = [
    "已电话沟通，详细说明了相关问题，补充材料已发送，请查收。",
    "不需要加盖公章，按模板填写后由经办人签字即可。",
    "预计两周内完成，期间请指定一名联系人配合提供技术资料。",
]
REOPEN_REASONS = [
    "按答复意见操作后，受理窗口仍要求补充材料，请再协助确认。",
    "对方未按约定履行，需要进一步指导。",
    "申请被退回，问题尚未解决，请协助查明原因。",
]
REANSWERS = [
    "已与受理窗口核实退回原因，指导单位补正后重新提交，现已受理。",
    "已再次组织会商，提出了进一步的处理建议，书面意见已发送。",
]
LOW_COMMENTS = [
    "答复时间超过了承诺时限，希望加快响应。",
    "答复较为原则，希望给出更具体的操作建议。",
    "转办后很长时间没有结果，希望加强跟踪。",
    "问题只解决了一部分。",
]
GOOD_COMMENTS = ["答复及时专业，感谢护航团队！", "专家意见很有针对性，解决了实际问题。", "对接效率高，非常满意。"]

# A request's final state, as the demo intends it before the cutoff cuts a recent one short.
SUBMITTED, ACCEPTED, IN_PROGRESS, ANSWERED, CLOSED, REOPENED = (
    "submitted",
    "accepted",
    "in_progress",
    "answered",
    "closed",
    "reopened",
)
PENDING, REPLIED = "pending", "replied"  # a referral without / with the department's reply


@dataclass
class Served:
    """A listed unit with everything the builder needs about it."""

    unit: Unit
    since: datetime.date  # the serving team's assignment
    people: list[Person]  # the team, leader first
    contact_user: User
    contacts: list
    topics: list[str]
    showcase: bool  # served by the demo logins' team
    measures: list[Measure] = field(default_factory=list)
    approved_on: datetime.date | None = None


@dataclass
class Story:
    """One request's life: the steps the services will be called with, in order."""

    served: Served
    kind: str
    ask: Ask
    raiser: User
    submitted_at: datetime.datetime
    steps: list[tuple[str, datetime.datetime, object]] = field(default_factory=list)


@dataclass
class Stamps:
    """The moments the steps happened, written over the services' "now" at the end in bulk; and the measures'
    statuses as the activities leave them."""

    activities: dict[int, datetime.datetime] = field(default_factory=dict)
    notes: dict[int, datetime.datetime] = field(default_factory=dict)
    requests: dict[int, list[datetime.datetime]] = field(default_factory=dict)
    closed: dict[int, datetime.datetime] = field(default_factory=dict)
    messages: dict[int, datetime.datetime] = field(default_factory=dict)
    referrals: dict[int, list[datetime.datetime]] = field(default_factory=dict)
    measure_status: dict[int, str] = field(default_factory=dict)


def build_archive(*, rng: random.Random, units: list[Unit], people: list[Person]) -> None:
    """Builds the archive and the requests once; does nothing when any activity or request exists (see above)."""
    if Activity.objects.exists() or Request.objects.exists():
        return
    served = _served(units)
    if not served:
        return
    pool = [p for p in people if p.confidentiality_signed_on and p.is_active]
    demo_expert = next((p for p in pool if p.name == DEMO_EXPERT), None)
    stamps = Stamps()
    for day, unit_served, spec in sorted(_activity_specs(rng, served, pool, demo_expert), key=lambda s: s[0]):
        _record(unit_served, day, spec, stamps)
    for story in sorted(_stories(rng, served, pool, demo_expert), key=lambda s: s.submitted_at):
        _play(story, stamps)
    _apply(stamps)


# --- Who is who ------------------------------------------------------------------------------------------------


def _served(units: list[Unit]) -> list[Served]:
    """The listed units with their team (people with logins), contact login, topics and plan in force."""
    listed = list(
        Unit.objects.filter(pk__in=[u.pk for u in units], is_listed=True)
        .select_related("division__city")
        .prefetch_related("contacts")
    )
    order = {u.pk: index for index, u in enumerate(units)}
    listed.sort(key=lambda u: order[u.pk])
    assignments = {
        a.unit_id: a for a in Assignment.objects.filter(unit__in=listed, end__isnull=True).select_related("team")
    }
    seats = defaultdict(list)
    for membership in Membership.objects.select_related("person__user").order_by("team", "pk"):
        seats[membership.team_id].append(membership)
    users = _team_users(seats)
    contact_users = _contact_users(listed)
    showcase_team = assignments[listed[0].pk].team_id if listed and listed[0].pk in assignments else None
    served = []
    for unit in listed:
        assignment = assignments.get(unit.pk)
        if assignment is None:
            continue
        members = sorted(seats[assignment.team_id], key=lambda m: m.role != Membership.Role.LEADER)
        people = [users[m.person_id] for m in members]
        served.append(
            Served(
                unit=unit,
                since=assignment.start,
                people=people,
                contact_user=contact_users[unit.pk],
                contacts=list(unit.contacts.all()),
                topics=plans_demo.FIELD_TOPICS.get(unit.technical_field, plans_demo.DEFAULT_TOPICS),
                showcase=assignment.team_id == showcase_team,
            )
        )
    _plans_in_force(served)
    return served


def _team_users(seats: dict[int, list[Membership]]) -> dict[int, Person]:
    """Every seated person gets a login (unusable password) to record and answer with; the demo logins stay."""
    people = {}
    for membership in itertools.chain.from_iterable(seats.values()):
        person = membership.person
        if person.user_id is None:
            username = person.email.split("@")[0] if person.email else f"person-{person.pk}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=person.name, role=Role.TEAM_MEMBER, email=person.email)
                user.set_unusable_password()
                user.save()
            person.user = user
            person.save(update_fields=["user", "updated_at"])
        people[person.pk] = person
    return people


def _contact_users(listed: list[Unit]) -> dict[int, User]:
    """A login per unit for its primary contact (unusable password), unless the unit already has one (`unit`)."""
    existing = {}
    for user in User.objects.filter(role=Role.UNIT_CONTACT, unit__in=listed).order_by("username"):
        existing.setdefault(user.unit_id, user)
    for unit in listed:
        if unit.pk in existing:
            continue
        contact = next((c for c in unit.contacts.all() if c.is_primary), None)
        user = User(
            username=f"unit-{unit.credit_code}",
            full_name=contact.name if contact else "",
            email=contact.email if contact else "",
            role=Role.UNIT_CONTACT,
            unit=unit,
        )
        user.set_unusable_password()
        user.save()
        existing[unit.pk] = user
    return existing


def _plans_in_force(served: list[Served]) -> None:
    """The measures an activity may advance: those of the plan in force, from the day it was approved."""
    plans = {p.unit_id: p for p in Plan.objects.filter(unit__in=[s.unit for s in served], in_force__isnull=False)}
    approvals = dict(
        PlanEvent.objects.filter(
            action=PlanEvent.Action.APPROVED, version_id__in=[p.in_force_id for p in plans.values()]
        )
        .order_by("created_at")
        .values_list("version_id", "created_at")
    )
    measures = defaultdict(list)
    for measure in Measure.objects.filter(version_id__in=approvals).order_by("version", "pk"):
        measures[measure.version_id].append(measure)
    for s in served:
        plan = plans.get(s.unit.pk)
        if plan and plan.in_force_id in approvals:
            s.approved_on = approvals[plan.in_force_id].astimezone(TZ).date()
            s.measures = measures[plan.in_force_id]


# --- Time ------------------------------------------------------------------------------------------------------


def _at(rng: random.Random, day: datetime.date, first_hour: int = 9, last_hour: int = 17) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(rng.randint(first_hour, last_hour), rng.randint(0, 59)), TZ)


def _workday(rng: random.Random, day: datetime.date, chance: float = 0.93) -> datetime.date:
    """Most work happens on working days (official calendar, 调休 included); a little spills into weekends."""
    if rng.random() < chance and not workdays.is_working_day(day):
        day = workdays.next_working_day(day)
    return day


def _later(rng: random.Random, moment: datetime.datetime, low_minutes: int, high_minutes: int) -> datetime.datetime:
    return moment + datetime.timedelta(minutes=rng.randint(low_minutes, high_minutes))


# --- Activities ------------------------------------------------------------------------------------------------


def _activity_specs(rng, served: list[Served], pool: list[Person], demo_expert: Person | None):
    """(day, unit, spec) for every activity: all draws happen here, so the writing does not depend on order."""
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    for s in served:
        gap = SHOWCASE_GAP if s.showcase else MEAN_GAP
        day = s.since + datetime.timedelta(days=rng.randint(5, 40))
        first = True
        while True:
            day = _workday(rng, day)
            if day > LAST_DAY:
                break
            kind = Kind.VISIT if first else rng.choices(kinds, weights=weights)[0]
            yield day, s, _activity_spec(rng, s, day, kind, first, pool, demo_expert)
            first = False
            day += datetime.timedelta(days=max(4, round(rng.expovariate(1 / gap))))


def _activity_spec(rng, s: Served, day, kind, first, pool, demo_expert) -> dict:
    facts = {
        "topic": rng.choice(s.topics),
        "ip": rng.choice(IP_TOPICS),
        "agency": rng.choice(AGENCIES),
        "n": rng.randint(2, 9),
        "m": rng.randint(2, 12),
        "pct": rng.randint(85, 100),
    }
    summary = (FIRST_VISIT if first else rng.choice(SUMMARIES[kind])).format(**facts)
    leader, core = s.people[0], s.people[1:]
    if kind == Kind.ROUTINE_CONTACT:
        participants = [rng.choice(s.people)]
    elif rng.random() < 0.7:
        participants = [leader, *rng.sample(core, k=rng.randint(0, len(core)))]
    else:
        participants = rng.sample(s.people, k=rng.randint(1, len(s.people)))
    experts = []
    if rng.random() < EXPERT_CHANCE.get(kind, 0):
        candidates = [p for p in pool if p not in s.people]
        if demo_expert and s.showcase and rng.random() < 0.6:
            experts = [demo_expert]  # the `expert` login sees the work of the demo logins' team
        elif candidates:
            experts = rng.sample(candidates, k=rng.choice([1, 1, 1, 2]))
    attendees = [c for c in s.contacts if c.is_primary] if rng.random() < 0.8 or kind == Kind.ROUTINE_CONTACT else []
    others = "，".join(f"{person_name(rng)}（{rng.choice(POSITIONS)}）" for _ in range(rng.choice([0, 0, 1, 2, 3])))
    advances = []
    count = rng.choices((0, 1, 2), weights=ADVANCE_WEIGHTS[kind])[0]
    # Progress is recorded on the plan in force, and not after the plans' own demo "today".
    if count and s.measures and s.approved_on and s.approved_on < day <= plans_demo.DEMO_TODAY:
        for measure in rng.sample(s.measures, k=min(count, len(s.measures))):
            advances.append((measure, rng.choice(PROGRESS), rng.random()))
    return {
        "kind": kind,
        "summary": summary,
        "outcome": rng.choice(OUTCOMES[kind]).format(**facts),
        "follow_ups": "" if kind == Kind.ROUTINE_CONTACT else rng.choice(FOLLOW_UPS).format(**facts),
        "participants": participants,
        "experts": experts,
        "attendees": attendees if kind != Kind.TRAINING or rng.random() < 0.5 else [],
        "others": others[:200],
        "advances": advances,
        "recorded_at": _at(rng, day, 16, 21),
    }


def _record(s: Served, day: datetime.date, spec: dict, stamps: Stamps) -> None:
    """Writes one activity. A measure it advances starts (not started → in progress) or, near its due day,
    may be done; a done or cancelled measure is not advanced again."""
    advances = []
    for measure, note, draw in spec["advances"]:
        status = stamps.measure_status.setdefault(measure.pk, measure.status)
        if status in (Measure.Status.DONE, Measure.Status.CANCELLED):
            continue
        new = None
        if status == Measure.Status.NOT_STARTED:
            new = Measure.Status.IN_PROGRESS
        elif measure.due_on and measure.due_on <= day + datetime.timedelta(days=30) and draw < 0.5:
            new, note = Measure.Status.DONE, PROGRESS_DONE
        if new:
            stamps.measure_status[measure.pk] = new
        advances.append(Advance(measure=measure, note=note, status=new))
    recorder = spec["participants"][0].user
    activity = activity_create(
        actor=recorder,
        unit=s.unit,
        date=day,
        kind=spec["kind"],
        summary=spec["summary"],
        outcome=spec["outcome"],
        follow_ups=spec["follow_ups"],
        team_participants=spec["participants"],
        experts=spec["experts"],
        unit_attendees=spec["attendees"],
        other_attendees=spec["others"],
        advances=advances,
    )
    recorded_at = min(spec["recorded_at"], CUTOFF - datetime.timedelta(minutes=1))
    stamps.activities[activity.pk] = recorded_at
    for note_id in activity.advances.values_list("progress_note_id", flat=True):
        stamps.notes[note_id] = recorded_at


# --- Requests --------------------------------------------------------------------------------------------------


def _stories(rng, served: list[Served], pool: list[Person], demo_expert: Person | None) -> list[Story]:
    """The demo unit's showcase, then ~500 requests over the units, more for units served longer (and for the demo
    logins' team); older ones mostly closed, recent ones still open."""
    limits = {kind: response_limits(kind) for kind in RequestKind.values}
    stories = _showcase(rng, served[0], limits, demo_expert) if served[0].showcase else []
    weights = [(LAST_DAY - s.since).days * (3 if s.showcase else 1) for s in served]
    kinds, shares = list(KIND_SHARE), list(KIND_SHARE.values())
    for _ in range(REQUESTS - len(stories)):
        s = rng.choices(served, weights=weights)[0]
        kind = rng.choices(kinds, weights=shares)[0]
        first = s.since + datetime.timedelta(days=7)
        day = first + datetime.timedelta(days=rng.randint(0, max((LAST_DAY - first).days, 0)))
        # Mostly in office hours on working days; some in the evening or at the weekend.
        submitted = _at(rng, _workday(rng, day, 1.0), 8, 16) if rng.random() < 0.85 else _at(rng, day, 18, 22)
        submitted = min(submitted, CUTOFF - datetime.timedelta(hours=1))
        age = (CUTOFF - submitted).days
        path = _path(rng, age)
        refer = None
        if path not in (SUBMITTED, ACCEPTED, IN_PROGRESS, REOPENED) and rng.random() < REFER_CHANCE.get(kind, 0.02):
            refer = rng.choices((PENDING, REPLIED, CLOSED), weights=(15, 15, 70) if age > 60 else (40, 30, 30))[0]
        expert = None
        if rng.random() < (0.25 if kind in EXPERT_KINDS else 0.06):
            candidates = [p for p in pool if p not in s.people]
            expert = demo_expert if demo_expert and s.showcase and rng.random() < 0.6 else rng.choice(candidates)
        stories.append(
            _story(rng, s, kind, submitted, path, limits, refer=refer, expert=expert, late=rng.random() < 0.09)
        )
    return stories


def _path(rng: random.Random, age: int) -> str:
    """The state a request is meant to end in; the cutoff leaves the youngest ones earlier in their course."""
    if age <= 30:
        weights = {SUBMITTED: 6, ACCEPTED: 10, IN_PROGRESS: 14, ANSWERED: 22, CLOSED: 48}
    elif age <= 90:
        weights = {SUBMITTED: 1, ACCEPTED: 1.5, IN_PROGRESS: 3, ANSWERED: 12, CLOSED: 80, REOPENED: 2.5}
    else:
        weights = {ANSWERED: 12, CLOSED: 86, REOPENED: 2}
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _showcase(rng, s: Served, limits, demo_expert: Person | None) -> list[Story]:
    """The demo unit's requests in every state, at fixed dates, so its contact and the leader see each one."""

    def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime.datetime:
        return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)

    K = RequestKind
    cases = [
        (K.CONSULTATION, at(11, 24, 15, 40), SUBMITTED, {}),  # fresh: its accept limit still runs
        (K.PRE_EXAMINATION, at(11, 19, 10, 15), SUBMITTED, {}),  # past its accept limit
        (K.GUIDANCE, at(11, 23, 9, 30), ACCEPTED, {}),
        (K.PATENT_NAVIGATION, at(11, 12, 10), IN_PROGRESS, {"expert": demo_expert}),
        (K.CONSULTATION, at(10, 26, 14, 20), IN_PROGRESS, {}),  # past its answer limit
        (K.CONSULTATION, at(11, 9, 9, 45), ANSWERED, {}),  # waits for the unit's rating
        (K.OTHER_DEPARTMENT, at(11, 10, 11), ANSWERED, {"refer": PENDING}),
        (K.ENFORCEMENT, at(10, 9, 16, 5), ANSWERED, {"refer": REPLIED, "expert": demo_expert}),
        (K.OTHER_DEPARTMENT, at(6, 15, 10, 30), CLOSED, {"refer": CLOSED, "rating": 5}),
        (K.GUIDANCE, at(9, 1, 9, 20), REOPENED, {"reanswer": False}),
        (K.CONSULTATION, at(4, 10, 10, year=2025), CLOSED, {"rating": 5}),
        (K.PRE_EXAMINATION, at(7, 8, 15, year=2025), CLOSED, {"rating": 5, "expert": demo_expert}),
        (K.PRIORITY_EXAMINATION, at(11, 20, 9, 10, year=2025), CLOSED, {"rating": 4}),
        (K.COMMERCIALISATION, at(3, 16, 14), CLOSED, {"rating": 5, "on_behalf": True}),
        (K.MONITORING, at(5, 12, 10, 40), CLOSED, {"rating": 2, "late": True}),
        (K.GUIDANCE, at(8, 3, 16), CLOSED, {"rating": 3}),
    ]
    options = {"late": False, "late_accept": False, "on_behalf": False}
    return [
        _story(rng, s, kind, submitted, path, limits, **(options | extra)) for kind, submitted, path, extra in cases
    ]


def _story(
    rng,
    s: Served,
    kind: str,
    submitted: datetime.datetime,
    path: str,
    limits,
    *,
    refer: str | None = None,
    expert: Person | None = None,
    late: bool = False,
    late_accept: bool | None = None,
    on_behalf: bool | None = None,
    rating: int | None = None,
    reanswer: bool | None = None,
) -> Story:
    """Plans one request's steps with their moments, within the kind's limits (or `late` past the answer limit)."""
    ask = rng.choice(ASKS[kind])
    city = s.unit.division.city or s.unit.division
    facts = {"topic": rng.choice(s.topics), "n": rng.randint(2, 9), "m": rng.randint(2, 9), "city": city.name}
    if on_behalf is None:
        on_behalf = rng.random() < 0.15
    raiser = s.people[0].user if on_behalf else s.contact_user
    story = Story(s, kind, ask._replace(**{f: getattr(ask, f).format(**facts) for f in Ask._fields}), raiser, submitted)
    team_weights = [3, 2, 2][: len(s.people)]

    def team() -> User:
        return rng.choices(s.people, weights=team_weights)[0].user

    accept_days, answer_days = limits[kind]
    received = workdays.received_on(submitted)
    steps = [("submit", submitted, None)]
    t = submitted
    # A quick one is answered (or referred) within the accept limit, which accepts it too: no separate step.
    quick = path in (ANSWERED, CLOSED, REOPENED) and not (late or expert) and rng.random() < QUICK.get(kind, 0.1)
    noted = False
    if path != SUBMITTED and not quick:
        late_accept = rng.random() < 0.05 if late_accept is None else late_accept
        k = rng.randint(accept_days + 1, accept_days + 2) if late_accept else rng.choices([0, accept_days], (65, 35))[0]
        t = _at(rng, workdays.add_working_days(received, k), 9, 17)
        t = t if t > submitted else _later(rng, submitted, 20, 180)
        # Starting work on it (an internal note) accepts it as well.
        noted = path == IN_PROGRESS and rng.random() < 0.5
        steps.append(("note", t, (team(), rng.choice(NOTES).format(**facts))) if noted else ("accept", t, team()))
        if expert:
            t = _later(rng, t, 10, 240)
            steps.append(("invite", t, (team(), expert)))
    if path not in (SUBMITTED, ACCEPTED):
        if quick:
            answered = _at(rng, workdays.add_working_days(received, rng.choice([0, accept_days])), 9, 17)
        elif refer:  # the department is found within a couple of working days
            answered = _at(rng, workdays.add_working_days(received, rng.randint(0, 2)), 9, 17)
        else:
            k = answer_days + rng.randint(1, 6) if late else round(rng.triangular(0, answer_days, answer_days * 0.35))
            answered = _at(rng, workdays.add_working_days(received, k), 9, 18)
        if path == IN_PROGRESS:
            answered = _later(rng, t, 24 * 60, 6 * 24 * 60)  # the notes' horizon: no answer comes
        answered = answered if answered > t else _later(rng, t, 30, 240)
        if (path == IN_PROGRESS and not noted) or (not quick and rng.random() < 0.1):
            t = _between(rng, t, answered)
            steps.append(("note", t, (team(), rng.choice(NOTES).format(**facts))))
        if expert and expert.user_id and expert.user.role == Role.EXPERT:
            t = _between(rng, t, answered)
            steps.append(("note", t, (expert.user, rng.choice(EXPERT_NOTES).format(**facts))))
    if path in (ANSWERED, CLOSED, REOPENED):
        if refer:
            department, reply = (text.format(**facts) for text in _department(rng, kind, story.ask))
            area = AREA_CODES.get(city.name, "0571") if department.startswith(city.name) else "0571"
            contact = f"{person_name(rng)}，{area}-8{rng.randint(1000000, 9999999)}"
            note = REFER_NOTE.format(department=department, contact=contact)
            steps.append(("refer", answered, (team(), department, contact, note)))
            if refer != PENDING:
                replied = _at(rng, _workday(rng, answered.date() + datetime.timedelta(days=rng.randint(5, 25)), 1.0))
                replied = max(replied, _later(rng, answered, 60, 600))
                steps.append(("dept_reply", replied, (team(), reply)))
        else:
            steps.append(("answer", answered, (team(), story.ask.answer)))
            if rng.random() < 0.05:
                asked = _at(rng, _workday(rng, answered.date() + datetime.timedelta(days=rng.randint(0, 3))), 9, 20)
                asked = max(asked, _later(rng, answered, 30, 600))
                steps.append(("unit", asked, rng.choice(UNIT_FOLLOW_UPS)))
                again = _later(rng, asked, 60, 2 * 24 * 60)
                steps.append(("answer", again, (team(), rng.choice(SECOND_ANSWERS))))
    if path in (CLOSED, REOPENED) and refer in (None, CLOSED):
        closed = _after(rng, steps[-1][1], 0, 12)
        steps.append(("close", closed, _rating(rng, late, rating)))
        if path == REOPENED:
            reopened = _after(rng, closed, 3, 30)
            steps.append(("reopen", reopened, rng.choice(REOPEN_REASONS)))
            if reanswer if reanswer is not None else rng.random() < 0.7:
                again = _after(rng, reopened, 1, 6)
                steps.append(("answer", again, (team(), rng.choice(REANSWERS))))
                if rng.random() < 0.6:
                    steps.append(("close", _after(rng, again, 1, 10), _rating(rng, False, None)))
    story.steps = list(itertools.takewhile(lambda step: step[1] < CUTOFF, steps))
    return story


def _between(rng, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
    """A moment in office hours strictly between two moments (their middle when none fits)."""
    day = start.date() + datetime.timedelta(days=rng.randint(0, max((end.date() - start.date()).days, 0)))
    moment = _at(rng, day, 9, 18)
    return moment if start < moment < end else start + (end - start) / 2


def _after(rng, moment: datetime.datetime, low_days: int, high_days: int) -> datetime.datetime:
    day = _workday(rng, moment.date() + datetime.timedelta(days=rng.randint(low_days, high_days)))
    later = _at(rng, day, 9, 20)
    return later if later > moment else _later(rng, moment, 30, 300)


def _department(rng, kind: str, ask: Ask) -> tuple[str, str]:
    if ask.department:
        return ask.department, ask.department_reply
    return rng.choice(
        REFERRALS.get(kind, [("浙江省知识产权保护中心", "已安排专人对接，相关事项已办理完毕，结果已告知单位。")])
    )


def _rating(rng, late: bool, rating: int | None) -> tuple[int, str]:
    """Mostly 4–5; a late answer is rated lower. A rating of 1–3 always comes with a comment."""
    if rating is None:
        rating = rng.choices((1, 2, 3, 4, 5), weights=(6, 10, 24, 35, 25) if late else (2, 3, 8, 28, 59))[0]
    if rating <= 3:
        return rating, LOW_COMMENTS[0] if late else rng.choice(LOW_COMMENTS[1:])
    return rating, rng.choice(GOOD_COMMENTS) if rng.random() < 0.25 else ""


def _play(story: Story, stamps: Stamps) -> None:
    """Calls the services step by step; keeps each step's moment for the request's history."""
    contact = story.served.contact_user
    request = referral = None
    moments = []
    for op, at, data in story.steps:
        if op == "submit":
            request = request_submit(
                actor=story.raiser,
                unit=story.served.unit,
                kind=story.kind,
                title=story.ask.title,
                description=story.ask.text,
                submitted_at=at,
            )
        elif op == "accept":
            request_accept(actor=data, request=request, at=at)
        elif op == "invite":
            request_invite_expert(actor=data[0], request=request, expert=data[1])
            continue  # an invitation changes no field of the request: no history row
        elif op in ("note", "answer"):
            request_reply(actor=data[0], request=request, text=data[1], internal=op == "note", at=at)
        elif op == "unit":
            request_reply(actor=contact, request=request, text=data, at=at)
        elif op == "refer":
            actor, department, contact_at, note = data
            referral = request_refer(
                actor=actor,
                request=request,
                department=department,
                contact=contact_at,
                referred_on=at.date(),
                note=note,
                at=at,
            )
            stamps.referrals[referral.pk] = [at, at]
        elif op == "dept_reply":
            referral_reply_record(actor=data[0], referral=referral, reply=data[1], replied_on=at.date())
            stamps.referrals[referral.pk][1] = at
        elif op == "close":
            request_close(actor=contact, request=request, rating=data[0], comment=data[1])
            stamps.closed[request.pk] = at
        elif op == "reopen":
            request_reopen(actor=contact, request=request, reason=data)
            stamps.closed.pop(request.pk, None)
            stamps.messages[RequestMessage.objects.filter(request=request).latest("pk").pk] = at
        moments.append(at)
    stamps.requests[request.pk] = moments


# --- Backdating ------------------------------------------------------------------------------------------------


def _apply(stamps: Stamps) -> None:
    """Moves the services' "now" stamps to the moments the steps happened, a few bulk updates in all."""
    batch = 400
    Activity.objects.bulk_update(
        [Activity(pk=pk, created_at=at, updated_at=at) for pk, at in stamps.activities.items()],
        ["created_at", "updated_at"],
        batch_size=batch,
    )
    _history(Activity, {pk: [at] for pk, at in stamps.activities.items()})
    ProgressNote.objects.bulk_update(
        [ProgressNote(pk=pk, created_at=at, updated_at=at) for pk, at in stamps.notes.items()],
        ["created_at", "updated_at"],
        batch_size=batch,
    )
    Request.objects.bulk_update(
        [Request(pk=pk, created_at=m[0], updated_at=m[-1]) for pk, m in stamps.requests.items()],
        ["created_at", "updated_at"],
        batch_size=batch,
    )
    Request.objects.bulk_update(
        [Request(pk=pk, closed_at=at) for pk, at in stamps.closed.items()], ["closed_at"], batch_size=batch
    )
    _history(Request, stamps.requests)
    RequestMessage.objects.bulk_update(
        [RequestMessage(pk=pk, created_at=at) for pk, at in stamps.messages.items()], ["created_at"], batch_size=batch
    )
    RequestMessage.objects.filter(request_id__in=list(stamps.requests)).update(updated_at=models.F("created_at"))
    Referral.objects.bulk_update(
        [Referral(pk=pk, created_at=m[0], updated_at=m[-1]) for pk, m in stamps.referrals.items()],
        ["created_at", "updated_at"],
        batch_size=batch,
    )


def _history(model, moments: dict[int, list[datetime.datetime]]) -> None:
    """Each save wrote one history row, in order: row n gets the moment of step n."""
    historical = model.history.model
    rows = defaultdict(list)
    for record_id, history_id in (
        historical.objects.filter(id__in=list(moments)).order_by("id", "history_id").values_list("id", "history_id")
    ):
        rows[record_id].append(history_id)
    dated = [
        historical(history_id=history_id, history_date=at)
        for record_id, history_ids in rows.items()
        for history_id, at in zip(history_ids, moments[record_id], strict=False)
    ]
    historical.objects.bulk_update(dated, ["history_date"], batch_size=400)

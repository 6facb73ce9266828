"""The knowledge base: every statement sourced, conditions meaningful, answers right per case."""

import re
import string
from datetime import date, timedelta

import pytest

from knowledge.consultations import answer_for
from knowledge.periods import Contribution, Employment, add_months
from knowledge.policy import all_statements
from knowledge.questions import UNKNOWN, all_questions
from knowledge.sources import parse_source
from knowledge.topics import all_topics, topic_for_intent

DERIVED_FACTS = {
    "years_band",
    "duration_band",
    "wage_given",
    "evidence_band",
    "contract_signed",
    "near_one_year",
    "limitation",
}
MISINFORMATION = [
    "最长12个月",
    "最多12个月",
    "每3个月",
    "每三个月",
    "可以有两张",
    "年龄限制",
    "永远不会",
    "封存就是断缴",
    "就会清零",
    "作废了",
]


TODAY = date(2026, 12, 1)


def answer(topic, **answers):
    return answer_for(topic_for_intent(topic), answers, TODAY).text


def worked(months, days=0, signed_after=None):
    """Started `months` and `days` before TODAY; a contract signed `signed_after` months in."""
    start = add_months(TODAY - timedelta(days=days), -months)
    signed = add_months(start, signed_after) if signed_after is not None else None
    return Employment(start, start, start, "exact", signed).as_slot()


def paid(*periods, holder=None):
    return Contribution(tuple(float(period) for period in periods), holder).as_slot()


def test_every_statement_has_a_source_and_a_known_topic():
    topics = {topic.intent for topic in all_topics()}
    for statement in all_statements():
        assert statement.source, statement.id
        assert statement.topic in topics, statement.id
        assert statement.text.endswith("。"), statement.id


def test_statement_ids_are_unique():
    ids = [statement.id for statement in all_statements()]
    assert len(ids) == len(set(ids))


def test_conditions_name_questions_or_derived_facts_with_possible_values():
    questions = all_questions()
    for statement in all_statements():
        for key, values in statement.when:
            assert key in questions or key in DERIVED_FACTS, (statement.id, key)
            question = questions.get(key)
            if question and question.kind == "choice":
                mixed = {question.mixed} if question.mixed else set()
                assert set(values) <= set(question.options) | {UNKNOWN} | mixed, statement.id
            if question and question.kind == "yes_no":
                assert set(values) <= {True, False, UNKNOWN}, statement.id


def test_placeholders_are_filled_whenever_the_statement_applies():
    for statement in all_statements():
        names = {name for _, name, _, _ in string.Formatter().parse(statement.text) if name}
        assert not names or statement.when, statement.id


def test_no_statement_repeats_known_misinformation():
    for statement in all_statements():
        for phrase in MISINFORMATION:
            assert phrase not in statement.text, (statement.id, phrase)


def test_every_topic_gets_an_answer_even_when_nothing_was_understood():
    for topic in all_topics():
        text = answer(topic.intent, **{slot: UNKNOWN for slot in topic.slots})
        assert text.rstrip().endswith("）") and "（依据：" in text, topic.intent


def test_every_source_names_its_documents_and_articles_readably():
    for statement in all_statements():
        citations = parse_source(statement.source)
        assert citations and all(citation.document for citation in citations), statement.id


def test_the_source_line_names_each_document_once_with_its_articles_in_order():
    text = answer("contract_not_signed", employment_duration=worked(14))
    line = text[text.index("（依据：") :]
    assert line == (
        "（依据：《中华人民共和国劳动合同法》第十条、第十四条、第八十二条；"
        "《中华人民共和国劳动合同法实施条例》第七条；"
        "《中华人民共和国劳动争议调解仲裁法》第二十七条）"
    )


def test_lost_card_gone_and_not_reported():
    text = answer("card_lost", card_findable=False, temporary_loss_done=False)
    assert "尽快办理临时挂失" in text and "12333服务热线" in text
    assert "分别到社保卡服务机构网点和社保卡服务银行网点" in text
    assert "补办" in text and "经本人授权" in text
    assert "各地规定不同" in text  # the lapse period is local, never one national figure


def test_lost_card_may_turn_up_and_already_reported():
    text = answer("card_lost", card_findable=True, temporary_loss_done=True)
    assert "尽快办理临时挂失" not in text
    assert "解挂" in text


def test_unblock_after_reissue_is_refused():
    assert "不能再解挂" in answer("card_unblock", reissue_applied=True)
    assert "可以办理解挂" in answer("card_unblock", reissue_applied=False)


@pytest.mark.parametrize(
    "state, phrase",
    [
        ("normal", "都可以正常使用"),
        ("temporary_loss", "经本人授权"),
        ("formal_loss", "经本人授权"),
        ("cancelled", "不能用了"),
        ("reissued", "不用重新申领"),
    ],
)
def test_ecard_by_physical_card_state(state, phrase):
    text = answer("ecard_after_loss", physical_card_state=state)
    assert phrase in text and "以当地规定为准" in text


def test_multiple_cards_branches():
    assert "查询" in answer("multiple_cards", knows_card_status=False)
    assert "合作银行网点" in answer(
        "multiple_cards", knows_card_status=True, extra_card_status="unusable"
    )
    assert "继续保留" in answer(
        "multiple_cards", knows_card_status=True, extra_card_status="usable", card_used_locally=True
    )
    assert "申请注销" in answer(
        "multiple_cards",
        knows_card_status=True,
        extra_card_status="usable",
        card_used_locally=False,
    )


def test_one_card_fine_and_one_not_covers_both():
    text = answer(
        "multiple_cards", knows_card_status=True, extra_card_status="mixed", card_used_locally=True
    )
    assert "合作银行网点" in text and "继续保留" in text


def test_replacement_keeps_money_and_benefits():
    text = answer("card_replacement", replacement_reason="expiring")
    assert "不会损失" in text and "60天" in text


def test_sealed_is_not_a_contribution_gap():
    text = answer("card_sealed", card_collected=False)
    assert "不是断缴" in text and "领取社保卡" in text and "不影响正常缴纳社保" in text


def test_transfer_within_and_across_provinces():
    assert "不用换社保卡" in answer("cross_province_transfer", transfer_scope="within")
    assert "需要换发社保卡" in answer("cross_province_transfer", transfer_scope="across")


def test_pension_certification_abroad_and_bedridden():
    abroad = answer(
        "pension_certification", retiree_location="abroad", can_use_face_recognition=True
    )
    assert "中国领事" in abroad and "暂停发放" in abroad and "补发" in abroad
    abroad_alone = answer(
        "pension_certification",
        retiree_location="abroad",
        can_use_face_recognition=False,
        limited_mobility=True,
    )
    assert (
        "中国领事" in abroad_alone and "街道社区" not in abroad_alone and "上门" not in abroad_alone
    )
    bedridden = answer(
        "pension_certification",
        retiree_location="insured_place",
        can_use_face_recognition=False,
        limited_mobility=True,
    )
    assert "上门认证" in bedridden and "静默认证" in bedridden


@pytest.mark.parametrize(
    "years, phrase",
    [(12, "还差约3年"), (8.5, "还差约6.5年"), (1.5, "还差约13.5年"), (16, "已经满了十五年")],
)
def test_contribution_gap_counts_to_fifteen(years, phrase):
    text = answer("pension_contribution_gap", years_paid=paid(years))
    assert phrase in text and "不会清零" in text and "第十六条" in text and "2030年" in text


def test_periods_add_up_and_anothers_record_is_theirs():
    text = answer("pension_contribution_gap", years_paid=paid(5, 6))
    assert "您已经累计缴了约11年（5年加6年），离十五年还差约4年。" in text
    text = answer("pension_contribution_gap", years_paid=paid(30, holder="老公"))
    assert "您爱人已经累计缴了约30年，已经满了十五年" in text


def test_contract_within_the_first_year_with_wage():
    text = answer("contract_not_signed", employment_duration=worked(3), monthly_wage=5000)
    assert "约2个月共约10000元" in text
    assert "第八十二条" in text and "第二十七条" in text and "各地" in text


def test_contract_over_a_year_is_capped_and_open_ended():
    text = answer("contract_not_signed", employment_duration=worked(20, 28), monthly_wage=4000)
    assert "最多11个月" in text and "无固定期限劳动合同" in text and "约44000元" in text


def test_contract_under_a_month_has_no_double_pay_yet():
    text = answer("contract_not_signed", employment_duration=worked(0, 20), monthly_wage=UNKNOWN)
    assert "暂时不涉及二倍工资" in text and "估算" not in text


def test_part_of_a_month_is_owed_and_never_zero():
    text = answer("contract_not_signed", employment_duration=worked(1, 15), monthly_wage=6000)
    assert "约15天共约3000元" in text
    assert not re.search(r"(?<![0-9])0(个月|元)", text)


def test_signed_later_counts_only_the_time_before_and_no_open_ended_contract():
    text = answer(
        "contract_not_signed", employment_duration=worked(31, signed_after=10), monthly_wage=5000
    )
    assert "约10个月后才签" in text and "约9个月共约45000元" in text
    assert "无固定期限" not in text and "已经过去一年多了" in text


def test_double_pay_long_ago_is_said_to_be_past_the_limit():
    text = answer("contract_not_signed", employment_duration=worked(120), monthly_wage=5000)
    assert "约10年" in text and "很可能已经超过一年的仲裁时效" in text


def test_proving_employment_lists_what_the_citizen_has():
    text = answer("prove_labor_relation", evidence_held=["工资支付记录", "考勤记录"])
    assert (
        "工资支付记录、考勤记录" in text and "举证责任" in text and "劳社部发〔2005〕12号" in text
    )


def test_arbitration_wage_exception():
    employed = answer("arbitration_deadline", dispute_about_wages=True, still_employed=True)
    assert "不受一年时效的限制" in employed
    left = answer("arbitration_deadline", dispute_about_wages=True, still_employed=False)
    assert "终止之日起一年内" in left and "不受一年时效的限制" not in left


def test_double_pay_answers_always_mention_the_arbitration_limit():
    for months in (0, 1, 3, 14):
        text = answer("contract_not_signed", employment_duration=worked(months))
        assert "仲裁时效一般为一年" in text and "各地" in text

"""Consultations as citizens hold them, over the REST channel of a real Rasa server and action
server: replies read as answers first, dates and figures read right, answers that fit the person.

Dates in replies are written relative to the day the test runs, and the figures expected are
computed by hand from them (double pay: one extra month's wage from the second month on, at most
11 months; 15 years of contributions).
"""

import re
from datetime import date

from knowledge.periods import add_months, months_between
from tests.support import GOODBYE, SOURCES, Conversation

DURATION_QUESTION = "您在这个单位干了多久了"
WAGE_QUESTION = "每月工资大概多少"


def double_pay_after(rasa_server, worked_reply, wage="5000"):
    """The answer to 单位没签合同, the reply about the time worked, and the wage."""
    talk = Conversation(rasa_server)
    assert DURATION_QUESTION in talk.say("单位一直没跟我签劳动合同")
    asked = talk.say(worked_reply)
    if WAGE_QUESTION in asked:
        return talk.say(wage)
    return asked


def months_ago(months):
    start = add_months(date.today().replace(day=1), -months)
    return start, months_between(start, date.today()).months


def test_a_month_and_year_is_measured_to_today(rasa_server):
    start, months = months_ago(7)
    answer = double_pay_after(rasa_server, f"{start.year}年{start.month}月")
    assert f"您已工作约{months}个月没签书面合同" in answer
    assert f"约{months - 1}个月共约{(months - 1) * 5000}元" in answer


def test_a_range_to_now_and_a_two_digit_year(rasa_server):
    start, months = months_ago(16)
    answer = double_pay_after(rasa_server, f"从{start.year}年{start.month}月干到现在")
    assert f"约1年{months - 12}个月" in answer and "最多11个月" in answer and "无固定期限" in answer
    assert "约11个月共约55000元" in answer
    start, _ = months_ago(21)
    answer = double_pay_after(rasa_server, f"{start.year % 100}年{start.month}月入职")
    assert "约1年9个月" in answer


def test_last_year_and_this_year_as_people_say_them(rasa_server):
    today = date.today()
    answer = double_pay_after(rasa_server, "我去年十月份进的厂")
    worked = months_between(date(today.year - 1, 10, 1), today).months
    assert f"约{worked // 12}年{worked % 12}个月" in answer or f"约{worked}个月" in answer
    answer = double_pay_after(rasa_server, "今年1月份入职的")
    assert f"约{months_between(date(today.year, 1, 1), today).months}个月" in answer


def test_almost_a_year_says_both_cases(rasa_server):
    answer = double_pay_after(rasa_server, "快一年了")
    assert "不满一年" in answer and "接近一年" in answer and "满一年还没签" in answer


def test_part_of_a_month_is_owed_and_no_zero_figure(rasa_server):
    answer = double_pay_after(rasa_server, "一个半月", wage="6000")
    assert "天共约" in answer and "按天折算" in answer
    assert not re.search(r"约0(个月|元)", answer)


def test_only_the_months_before_the_signing_count(rasa_server):
    answer = double_pay_after(rasa_server, "2024年5月入职，2025年3月签了合同")
    assert "约10个月后才签" in answer and "约9个月共约45000元" in answer
    assert "无固定期限" not in answer and "已经过去一年多了" in answer


def test_ten_years_ago_is_said_to_be_past_the_time_limit(rasa_server):
    answer = double_pay_after(rasa_server, "干了十年")
    assert "约10年" in answer and "很可能已经超过一年的仲裁时效" in answer


def test_more_than_a_number_of_months(rasa_server):
    answer = double_pay_after(rasa_server, "八个多月")
    assert "约8个多月" in answer and "约7个月共约35000元" in answer


def test_a_future_date_is_asked_again_never_computed(rasa_server):
    talk = Conversation(rasa_server)
    talk.say("老板不给签劳动合同")
    future = add_months(date.today(), 5)
    asked = talk.say(f"{future.year}年{future.month}月")
    assert "还没到" in asked and DURATION_QUESTION in asked and SOURCES not in asked


def test_a_wage_given_with_the_question_is_used(rasa_server):
    answer = Conversation(rasa_server).say(
        "我在公司干了八个月了，月薪五千，一直没签劳动合同，能拿多少"
    )
    assert "约8个月没签" in answer and "约7个月共约35000元" in answer


def test_the_wage_is_not_asked_when_it_changes_nothing(rasa_server):
    answer = Conversation(rasa_server).say("入职二十天了还没签合同")
    assert "暂时不涉及二倍工资" in answer and WAGE_QUESTION not in answer


def test_two_facts_in_one_reply(rasa_server):
    talk = Conversation(rasa_server)
    talk.say("没签劳动合同怎么办")
    answer = talk.say("干了三个月，月薪五千")
    assert WAGE_QUESTION not in answer and "约2个月共约10000元" in answer


def test_a_bare_wage_and_a_refusal_are_answers(rasa_server):
    for wage, figure in (("6000", "约2个月共约12000元"), ("不想说", None)):
        talk = Conversation(rasa_server)
        talk.say("没签劳动合同怎么办")
        assert WAGE_QUESTION in talk.say("三个月")
        answer = talk.say(wage)
        assert GOODBYE not in answer and SOURCES in answer
        assert (figure in answer) if figure else ("估算" not in answer and "没关系" in answer)


def test_years_paid_in_several_places_add_up(rasa_server):
    talk = Conversation(rasa_server)
    talk.say("养老保险断缴了以前的还算吗")
    answer = talk.say("我在上海交了5年，在老家交了6年")
    assert "累计缴了约11年（5年加6年），离十五年还差约4年" in answer


def test_someone_elses_record_is_answered_for_them(rasa_server):
    talk = Conversation(rasa_server)
    talk.say("养老保险断缴了以前的还算吗")
    assert "您爱人已经累计缴了约30年" in talk.say("我老公交了30年")


def test_a_bare_number_of_years_and_a_correction_after_the_answer(rasa_server):
    talk = Conversation(rasa_server)
    talk.say("养老保险断缴了以前的还算吗")
    assert "还差约5年" in talk.say("10")
    corrected = talk.say("不对，是三年")
    assert "还差约12年" in corrected and GOODBYE not in corrected
    assert "请直接说出您的问题" in talk.say("我还有别的问题")


def test_places_in_a_reply_decide_the_transfer(rasa_server):
    for reply, said in (
        ("从广州转到深圳", "不用换社保卡"),
        ("广州到深圳", "不用换社保卡"),
        ("从河南转到浙江", "需要换发社保卡"),
    ):
        talk = Conversation(rasa_server)
        assert "同一个省内转" in talk.say("社保关系转移了社保卡还能用吗")
        assert said in talk.say(reply), reply


def test_a_menu_title_typed_asks_instead_of_answering_one_case(rasa_server):
    assert "您换卡是因为什么" in Conversation(rasa_server).say("卡坏了、到期了、旧卡换新卡")
    assert "实体社保卡现在是什么状态" in Conversation(rasa_server).say(
        "实体卡挂失或注销后，电子社保卡还能不能用"
    )


def test_a_parent_abroad_gets_remote_ways_only(rasa_server):
    talk = Conversation(rasa_server)
    assert "住在哪里" in talk.say("我妈领养老金要认证，怎么弄")
    asked = talk.say("在国外")
    assert "刷脸" in asked
    answer = talk.say("不会用")
    assert "中国领事" in answer and "街道社区" not in answer and "出不了门" not in answer


def test_a_bedridden_parent_hears_of_the_home_visit(rasa_server):
    talk = Conversation(rasa_server)
    talk.say("我爸退休了养老金资格认证咋弄")
    talk.say("住在参保地")
    assert "出不了门" in talk.say("不会用")
    assert "上门认证" in talk.say("出不了门")


def test_a_fact_for_a_later_question_is_kept_and_not_asked_again(rasa_server):
    talk = Conversation(rasa_server)
    talk.say("老人养老金认证")
    again = talk.say("出不了门")  # said to where the retiree lives
    assert "记下了" in again and "住在哪里" in again
    talk.say("住在参保地")
    answer = talk.say("不会用")
    assert "上门认证" in answer and "行动不便，出不了门？" not in answer


def test_numbers_pick_the_menu_and_the_buttons(rasa_server):
    for pick in ("3", "第三个", "选3", "３"):
        talk = Conversation(rasa_server)
        talk.say("你好")
        assert "实体社保卡现在是什么状态" in talk.say(pick), pick
    talk = Conversation(rasa_server)
    talk.say("我的社保卡丢了")
    assert "临时挂失" in talk.say("2")  # 找不回来了
    assert "请先尽快办理临时挂失" in talk.say("2")  # 还没挂失


def test_replies_that_are_answers_never_end_the_conversation(rasa_server):
    talk = Conversation(rasa_server)
    talk.say("我的社保卡丢了")
    assert "临时挂失" in talk.say("找不着了")
    answer = talk.say("挂了")
    assert SOURCES in answer and "请先尽快办理临时挂失" not in answer
    corrected = talk.say("不对，我已经挂失了")
    assert GOODBYE not in corrected
    corrected = talk.say("不对，我还没挂失")
    assert "请先尽快办理临时挂失" in corrected


def test_moves_in_the_middle_do_not_end_the_consultation(rasa_server):
    talk = Conversation(rasa_server)
    talk.say("我的社保卡丢了")
    assert "比如" in talk.say("啥意思") and talk.slots()["requested_slot"] == "card_findable"
    assert "不着急" in talk.say("等一下")
    assert "智能助手" in talk.say("你是机器人吗")
    assert "12333" in talk.say("医保报销怎么弄")
    assert "不客气" in talk.say("谢谢")
    assert talk.slots()["requested_slot"] == "card_findable"
    assert "要结束这次咨询吗" in talk.say("拜拜")
    assert "卡还有可能找回来吗" in talk.say("继续回答")


def test_a_damage_word_and_the_assistants_own_button_are_answers(rasa_server):
    talk = Conversation(rasa_server)
    talk.say("社保卡要换新的")
    assert "账户里的钱不会损失" in talk.say("刷不了")


def test_stories_and_first_cards_reach_their_topic(rasa_server):
    story = Conversation(rasa_server).say(
        "前天坐公交车，钱包被偷了，里面有身份证、银行卡，还有社保卡，我现在该先干啥"
    )
    assert "临时挂失" in story
    assert "申领" in Conversation(rasa_server).say("我想办一张社保卡")
    assert "社保卡服务银行激活" in Conversation(rasa_server).say("社保卡怎么激活金融功能")


def test_several_cards_one_fine_one_not_and_not_knowing(rasa_server):
    talk = Conversation(rasa_server)
    talk.say("我有两张社保卡怎么办")
    talk.say("知道")
    assert "这张正常的卡" in talk.say("一张正常一张挂失了")
    answer = talk.say("在用")
    assert "合作银行网点" in answer and "继续保留" in answer and GOODBYE not in answer
    talk = Conversation(rasa_server)
    talk.say("我有两张社保卡怎么办")
    talk.say("知道")
    assert talk.slots()["requested_slot"] == "extra_card_status"
    talk.say("我也不知道是不是正常")
    assert talk.slots()["extra_card_status"] == "unknown"


def test_not_collected_said_with_the_question_is_not_asked(rasa_server):
    answer = Conversation(rasa_server).say("我没领过社保卡，但是显示封存")
    assert "已经领到这张社保卡了吗" not in answer and "领取社保卡" in answer


def test_the_source_line_names_each_document_once(rasa_server):
    answer = double_pay_after(rasa_server, "三个月")
    line = answer[answer.index(SOURCES) : answer.index("）", answer.index(SOURCES)) + 1]
    assert line.count("《中华人民共和国劳动合同法》") == 1
    assert "第十条、第八十二条" in line
    assert line.count("《中华人民共和国劳动合同法实施条例》") == 1

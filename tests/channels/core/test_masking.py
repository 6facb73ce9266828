"""Masking of ID, mobile and bank card numbers: pure functions and the logging filter."""

import io
import logging

import pytest

from channels.core.masking import (
    MaskingFilter,
    contains_personal_data,
    install_log_masking,
    mask_text,
    mask_value,
    pseudonymous_sender,
)


@pytest.mark.parametrize(
    "text, masked",
    [
        # ID numbers: 18 characters, the last may be X; first 4 and last 4 stay.
        ("110101199003071234", "1101**********1234"),
        ("我的身份证号是110101199003071234。", "我的身份证号是1101**********1234。"),
        ("11010119900307123X", "1101**********123X"),
        ("11010119900307123x", "1101**********123x"),
        ("身份证：110101 19900307 1234", "身份证：1101** ******** 1234"),
        ("１１０１０１１９９００３０７１２３４", "１１０１**********１２３４"),
        # Old 15-digit ID numbers.
        ("110101900307123", "1101*******7123"),
        # Mobile numbers: 11 digits starting with 1; first 3 and last 4 stay.
        ("13812345678", "138****5678"),
        ("手机13812345678，打我电话", "手机138****5678，打我电话"),
        ("138-1234-5678", "138-****-5678"),
        ("138 1234 5678", "138 **** 5678"),
        ("１３８１２３４５６７８", "１３８****５６７８"),
        ("tel:13812345678x", "tel:138****5678x"),
        ("X13812345678", "X138****5678"),
        ("+86 138 1234 5678", "+86 13* **** 5678"),
        ("8613812345678", "8613*****5678"),
        # Bank cards: 16 to 19 digits; first 4 and last 4 stay.
        ("6222021234567890", "6222********7890"),
        ("6222021234567890123", "6222***********0123"),
        ("6222 0212 3456 7890", "6222 **** **** 7890"),
        ("6222-0212-3456-7890-123", "6222-****-****-***0-123"),
        ("卡号6222021234567890123，", "卡号6222***********0123，"),
        # Several numbers in one message.
        ("身份证110101199003071234手机13812345678", "身份证1101**********1234手机138****5678"),
        ("13812345678和13987654321", "138****5678和139****4321"),
        # Anything longer is masked too.
        ("1234567890123456789012345", "1234*****************2345"),
    ],
)
def test_personal_numbers_are_masked(text, masked):
    assert mask_text(text) == masked
    assert len(mask_text(text)) == len(text)
    assert contains_personal_data(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "我的社保卡丢了",
        "我交了12年养老保险",
        "2025年3月入职的，一个月5000",
        "20250301",
        "工资1.2万",
        "12333",
        "1234567890",  # 10 digits: not a mobile
        "23812345678",  # 11 digits not starting with 1
        "010-12345678",  # a landline: the groups are 11 digits but start with 0
        "2019 2020",
        "X",
        "1X",
        "第十六条",
        "**********",
    ],
)
def test_what_the_consultation_needs_is_left_alone(text):
    assert mask_text(text) == text
    assert not contains_personal_data(text)


def test_masking_twice_changes_nothing_more():
    once = mask_text("身份证110101199003071234，卡6222021234567890123，手机13812345678")
    assert mask_text(once) == once


def test_values_inside_metadata_are_masked():
    value = {
        "phone": "13812345678",
        "nested": [{"id": "110101199003071234"}, 5, None],
        "13812345678": True,
    }
    assert mask_value(value) == {
        "phone": "138****5678",
        "nested": [{"id": "1101**********1234"}, 5, None],
        "138****5678": True,
    }
    assert mask_value(None) is None and mask_value(3) == 3


def test_a_sender_id_that_is_a_personal_number_becomes_a_stable_pseudonym():
    pseudonym = pseudonymous_sender("13812345678")
    assert pseudonym == pseudonymous_sender("13812345678")
    assert pseudonym != pseudonymous_sender("13912345678")
    assert pseudonym.startswith("pd-") and "5678" not in pseudonym
    assert pseudonymous_sender("+86 138 1234 5678").startswith("pd-")
    assert pseudonymous_sender("110101199003071234").startswith("pd-")
    assert pseudonymous_sender("user-42") == "user-42"
    # A UUID with a long run of digits is an opaque ID, not personal data.
    assert pseudonymous_sender("9f1c38123456789012e4a") == "9f1c38123456789012e4a"


def test_the_logging_filter_masks_messages_arguments_and_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("tests.masking")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("user said %r", "我的手机13812345678")
        try:
            raise ValueError("bad card 6222021234567890123")
        except ValueError:
            logger.exception("failed for 110101199003071234")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    for raw in ("13812345678", "6222021234567890123", "110101199003071234"):
        assert raw not in output
    assert "138****5678" in output and "6222***********0123" in output
    assert "1101**********1234" in output and "Traceback" in output


def test_installing_the_filter_twice_adds_it_once():
    handler = logging.StreamHandler(io.StringIO())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        install_log_masking()
        install_log_masking()
        assert sum(isinstance(f, MaskingFilter) for f in handler.filters) == 1
    finally:
        root.removeHandler(handler)

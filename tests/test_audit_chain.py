from dataclasses import replace

from core.auditlog.chain import GENESIS, seal, verify_chain
from core.identity.passwords import failure_delay, hash_password, password_problem, verify_password


def _chain(n=4):
    out, prev = [], GENESIS
    for i in range(1, n + 1):
        e = seal(
            i,
            f"2026-11-2{i}T10:00:00",
            "张三",
            "company.update",
            f"company:{i}",
            {"name": "旧"},
            {"name": f"新{i}"},
            prev,
        )
        out.append(e)
        prev = e.hash
    return out


def test_intact_chain_verifies():
    assert verify_chain(_chain()) == []


def test_edited_entry_is_named():
    chain = _chain()
    chain[1] = replace(chain[1], new={"name": "篡改"})
    problems = verify_chain(chain)
    assert problems and problems[0].seq == 2 and "内容与哈希不符" in str(problems[0])


def test_deleted_entry_is_detected():
    chain = _chain()
    del chain[2]
    problems = verify_chain(chain)
    assert any(p.seq == 4 and "序号不连续" in p.reason for p in problems)


def test_resealed_entry_breaks_the_next_link():
    chain = _chain()
    forged = seal(2, chain[1].at, "李四", "company.update", "company:2", None, {"name": "x"}, chain[0].hash)
    chain[1] = forged
    problems = verify_chain(chain)
    assert any(p.seq == 3 and "链接不符" in p.reason for p in problems)


def test_password_hash_roundtrip_and_wrong_password():
    stored = hash_password("Kjjb-2026", n=2**10)
    assert stored.startswith("scrypt$")
    assert verify_password("Kjjb-2026", stored)
    assert not verify_password("kjjb-2026", stored)
    assert not verify_password("x", "garbage")


def test_failure_delay_grows_and_is_capped():
    assert [failure_delay(i) for i in range(0, 8)] == [0, 1, 2, 4, 8, 16, 30, 30]


def test_password_rules():
    assert password_problem("short1") == "密码至少8位"
    assert "两类" in password_problem("abcdefgh")
    assert password_problem("abcd1234") is None

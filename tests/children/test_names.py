"""Script-independent name keys: a child is found whichever script the name was written in."""

import pytest

from caseapp.children.names import fold, query_tokens, search_key


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Иванов", "Ivanov"),
        ("Юлия", "Yuliia"),
        ("Юлия", "Julia"),
        ("Хомутова", "Homutova"),
        ("Хомутова", "Khomutova"),
        ("Григорий", "Hryhoriy"),
        ("Щукин", "Shchukin"),
        ("Ксения", "Kseniya"),
        ("Цой", "Tsoi"),
    ],
)
def test_cyrillic_and_latin_spellings_fold_to_the_same_key(cyrillic, latin):
    assert fold(cyrillic) == fold(latin)


def test_different_names_stay_different():
    assert fold("Иванов") != fold("Петров")
    assert fold("Anna") != fold("Inna")


def test_hyphenated_names_give_separate_tokens():
    assert query_tokens("Anna-Maria") == ["ana", "maria"]
    assert search_key("Ceban-Rusu", "Ana") == "ceban rusu ana"

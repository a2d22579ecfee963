r"""When two names print alike: folding, a confusable skeleton, invisible characters.

A name is compared with the others in two ways:

- :func:`folded`, its NFC form case folded: ``Foo`` and ``foo``, or ``Curaçao`` written with a
  combining cedilla, are the *same* name;
- :func:`skeleton`, a small form of the skeleton of Unicode Technical Standard #39: NFKC
  (fullwidth ``Ａ``, ligatures and mathematical letters become plain letters, a no-break space a
  space), then each Cyrillic or Greek letter that looks like a Latin one replaced by it (the
  table :data:`LOOK_ALIKES`, taken from the UTS #39 ``confusables.txt`` entries of those
  scripts), case folded, with white space runs made one space and trimmed. Two names with the
  same skeleton *look* the same: ``Armenia`` with a Cyrillic ``А`` and ``Armenia``.

Digits and Latin letters that look alike (``0`` and ``O``, ``rn`` and ``m``) are left as they
are: names such as ``Group1`` and ``Groupl`` are kept apart deliberately.

Examples
--------
>>> skeleton("\u0410rmenia") == skeleton("Armenia")
True
>>> folded("Cura\u0063\u0327ao") == folded("Cura\u00e7ao")
True
>>> has_invisible("A\u200bB"), has_invisible("A B")
(True, False)
"""

from __future__ import annotations

import unicodedata

__all__ = ["LOOK_ALIKES", "folded", "has_invisible", "look_alike_characters", "shown", "skeleton"]

#: Cyrillic and Greek letters (and dotless i) that print like a Latin letter, as that letter.
LOOK_ALIKES: dict[str, str] = {
    **dict(zip("АВЕЅІЈКМНОРСТХУҮԚԜӀ", "ABESIJKMHOPCTXYYQWI", strict=True)),  # Cyrillic capitals
    **dict(zip("аеѕіјһԁорсухүԛԝӏ", "aesijhdopcyxyqwi", strict=True)),  # Cyrillic small letters
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹϺ", "ABEZHIKMNOPTYXCM", strict=True)),  # Greek capitals
    **dict(zip("αιονρυχγϲϳ", "aiovpuxycj", strict=True)),  # Greek small letters
    "ı": "i",  # Latin dotless i
}
_LOOK_ALIKES = str.maketrans(LOOK_ALIKES)

#: Unicode's Default_Ignorable_Code_Point characters that are not format characters (Cf):
#: they print as nothing, so ``"A\u034f"`` and ``"A"`` would look the same.
_IGNORABLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0, *range(0x180B, 0x1810), *range(0xFE00, 0xFE10)]
    + [*range(0xE0100, 0xE01F0), 0x2800]
)
#: Categories never allowed in a name: controls, format (zero-width, direction marks),
#: private use, surrogates, unassigned, line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def folded(name: str) -> str:
    """A name as compared with others: Unicode NFC form, case folded."""
    return unicodedata.normalize("NFC", name).casefold()


def skeleton(name: str) -> str:
    """The form two names share when they print alike (see the module's docstring)."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", name)).translate(_LOOK_ALIKES)
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def has_invisible(name: str) -> bool:
    """Whether ``name`` holds a control, format, unassigned or other invisible character."""
    return any(unicodedata.category(c) in _REFUSED_CATEGORIES or ord(c) in _IGNORABLE for c in name)


def prints_blank(name: str) -> bool:
    """Whether ``name`` has no letter, digit, punctuation or symbol to see (only marks and spaces)."""
    return not any(unicodedata.category(c)[0] in "LNPS" for c in name)


def look_alike_characters(text: str) -> list[str]:
    """The Unicode names of the characters of ``text`` that :func:`skeleton` replaces, in order.

    Examples
    --------
    >>> look_alike_characters("\u0410rmenia")
    ['CYRILLIC CAPITAL LETTER A']
    """
    found = (c for c in text if c in LOOK_ALIKES or unicodedata.normalize("NFKC", c) != c)
    return list(dict.fromkeys(unicodedata.name(c, f"U+{ord(c):04X}") for c in found))


def shown(name: str) -> str:
    r"""``repr(name)`` with every invisible character written as an escape, safe to print.

    Examples
    --------
    >>> print(shown("A\u034f"), shown("A\x1b"))
    'A\u034f' 'A\x1b'
    """
    return "".join(f"\\u{ord(c):04x}" if ord(c) in _IGNORABLE else c for c in repr(name))

"""Number words and arithmetic words, per language: the vocabulary of math prose.

Short math prose in words ("Seven plus eleven is eighteen. Then eighteen minus seven is eleven.") is mostly
number words, and character n-gram detectors are bad at them: "seven", "eleven" and "eighteen" look Dutch
("even"), so a sentence of English arithmetic scored as 100% Dutch. Words of this list *in the target
language* are counted as the target without asking the detector (they are math, which the target writes this
way); the rest of the segment is judged as before, with the benefit of the doubt a short text gets. Another
language's number words get no such pass: "Donc la réponse est cinq." is still French when the target is
English.
"""

from __future__ import annotations

_WORDS = {
    "en": """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
        seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand
        thousands million millions billion trillion dozen plus minus times divided multiplied equals squared
        cubed half halves twice thrice double triple quarter quarters third thirds fourth fourths fifth fifths
        sixth seventh eighth ninth tenth""",
    "fr": """zéro un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize
        vingt vingts trente quarante cinquante soixante cent cents mille million millions plus moins fois divisé
        égal égale moitié double triple tiers quart""",
    "de": """null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn
        sechzehn siebzehn achtzehn neunzehn zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig
        hundert tausend million millionen plus minus mal geteilt gleich hälfte doppelt drittel viertel""",
    "es": """cero uno una dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince
        dieciséis diecisiete dieciocho diecinueve veinte treinta cuarenta cincuenta sesenta setenta ochenta
        noventa cien ciento cientos mil millón millones más menos por dividido igual mitad doble triple tercio
        cuarto""",
    "pt": """zero um uma dois duas três quatro cinco seis sete oito nove dez onze doze treze catorze quatorze
        quinze dezesseis dezessete dezoito dezenove vinte trinta quarenta cinquenta sessenta setenta oitenta
        noventa cem cento mil milhão milhões mais menos vezes dividido igual metade dobro triplo terço quarto""",
    "it": """zero uno una due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici
        quindici sedici diciassette diciotto diciannove venti trenta quaranta cinquanta sessanta settanta
        ottanta novanta cento mille milione milioni più meno per diviso uguale metà doppio triplo terzo quarto""",
    "nl": """nul een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien zestien
        zeventien achttien negentien twintig dertig veertig vijftig zestig zeventig tachtig negentig honderd
        duizend miljoen plus min keer maal gedeeld gelijk helft dubbel drievoud derde kwart""",
}
NUMERALS: dict[str, frozenset[str]] = {lang: frozenset(words.split()) for lang, words in _WORDS.items()}


def numeral(word: str, language: str | None) -> bool:
    """Whether ``word`` is a number or arithmetic word of ``language``."""
    return language is not None and word.casefold() in NUMERALS.get(language, frozenset())

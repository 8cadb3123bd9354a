"""The invented people of the families demo: names and home languages per language
community, Antwerp neighbourhoods, the criteria that bring a family, and the small details
(phone, e-mail, pick-up persons, diet) drawn for each of them."""

import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from families.models import Guardian


@dataclass(frozen=True)
class Origin:
    """Names and home languages of one language community, and how often it comes."""

    languages: tuple[str, ...]  # the variants a family may speak at home
    mothers: tuple[str, ...]
    fathers: tuple[str, ...]
    surnames: tuple[str, ...]  # "Petrov/Petrova" where the form follows gender
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    vulnerable_weight: int
    neighbourhood_weight: int
    halal: float = 0.0  # share of the children on a halal diet


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(","))


ORIGINS = [
    Origin(
        (
            "Arabisch; Nederlands",
            "Berbers (Tamazight); Nederlands",
            "Berbers (Tamazight); Arabisch",
        ),
        _names("Samira, Khadija, Imane, Soukaina, Hafsa, Nora, Salma, Ikram, Najat, Houda"),
        _names("Karim, Youssef, Bilal, Hamza, Mustafa, Reda"),
        _names("Benali, Bouzid, Azzouzi, Ouali, El Khattabi, Haddouchi, Ziani, Boukhari, Tahiri"),
        _names("Amira, Nour, Lina, Yasmine, Aya, Malak, Hiba"),
        _names("Adam, Rayan, Ilyas, Sami, Zakaria, Anas, Yassin"),
        14,
        7,
        halal=0.7,
    ),
    Origin(
        ("Turks; Nederlands", "Turks"),
        _names("Ayşe, Elif, Zeynep, Emine, Hatice, Büşra, Merve"),
        _names("Mehmet, Emre, Burak, Hakan"),
        _names("Yılmaz, Demir, Kaya, Şahin, Aydın, Öztürk, Çelik, Arslan"),
        _names("Defne, Zehra, Asya, Ela, Azra"),
        _names("Eymen, Yusuf, Ömer, Miraç, Kerem"),
        6,
        4,
        halal=0.6,
    ),
    Origin(
        ("Nederlands", "Nederlands", "Nederlands; Frans", "Nederlands; Engels"),
        _names("Lies, Sofie, Eline, Jolien, Katrien, Hanne, Lotte, Femke, Charlotte"),
        _names("Pieter, Wouter, Bram, Joris, Stijn, Dries"),
        _names(
            "Maes, Van den Broeck, De Wilde, Claes, Willems, Wouters, Goossens, Mertens, "
            "Verbruggen, Van Looy, De Cock, Hermans"
        ),
        _names("Mila, Lou, Olivia, Fien, Nore, Marie, Juna"),
        _names("Noah, Jules, Louis, Vic, Stan, Warre, Lowie"),
        5,
        18,
    ),
    Origin(
        ("Frans", "Frans; Nederlands", "Frans; Lingala"),
        _names("Grâce, Bénédicte, Patience, Divine, Camille, Aurélie"),
        _names("Patrick, Jean-Paul, Olivier"),
        _names("Mukendi, Kabongo, Ilunga, Tshibangu, Lambert, Dubois, Mbuyi"),
        _names("Gloria, Chloé, Inès, Léa, Merveille"),
        _names("Emmanuel, Nathan, Prince, Josué, Élie"),
        5,
        3,
    ),
    Origin(
        ("Engels", "Engels; Twi", "Engels; Nederlands"),
        _names("Abena, Blessing, Chioma, Esther, Emily, Priya"),
        _names("Kwame, Samuel, Daniel"),
        _names("Mensah, Okafor, Eze, Owusu, Asante, Walsh, Adeyemi"),
        _names("Precious, Favour, Grace, Ama"),
        _names("Joshua, David, Ethan, Kofi"),
        3,
        3,
    ),
    Origin(
        ("Pools", "Pools; Nederlands"),
        _names("Agnieszka, Katarzyna, Marta, Joanna, Magdalena"),
        _names("Tomasz, Piotr, Krzysztof"),
        _names("Nowak, Wójcik, Kowalczyk, Mazur, Krawczyk, Kaczmarek"),
        _names("Zuzanna, Hanna, Maja, Lena"),
        _names("Jakub, Antoni, Szymon, Filip"),
        2,
        3,
    ),
    Origin(
        ("Roemeens", "Roemeens; Nederlands"),
        _names("Ioana, Andreea, Elena, Alina, Mădălina"),
        _names("Mihai, Andrei, Florin"),
        _names("Popescu, Ionescu, Dumitru, Munteanu, Constantin, Stoica"),
        _names("Sofia, Ana, Maria, Daria"),
        _names("David, Luca, Matei, Rareș"),
        3,
        2,
    ),
    Origin(
        ("Somalisch", "Somalisch; Engels"),
        _names("Hodan, Fadumo, Ifrah, Nimco, Deeqa, Sahra"),
        _names("Abdirahman, Abdullahi, Abdiaziz"),
        _names("Warsame, Farah, Abdi, Jama, Nur, Egal"),
        _names("Hibaq, Sagal, Ayan, Ilhan"),
        _names("Liban, Mahad, Hamza, Guled"),
        3,
        0,
        halal=0.9,
    ),
    Origin(
        ("Tigrinya", "Tigrinya; Arabisch"),
        _names("Senait, Helen, Mebrat, Selam, Saba"),
        _names("Yonas, Dawit, Tesfalem"),
        _names("Tesfay, Gebremedhin, Haile, Tekle, Berhane, Kidane"),
        _names("Meron, Luwam, Ruth, Hermela"),
        _names("Abel, Nahom, Natan, Kibrom"),
        3,
        0,
    ),
    Origin(
        ("Dari", "Dari; Pasjtoe"),
        _names("Zahra, Mariam, Fereshta, Mahbooba, Shabnam"),
        _names("Ahmad, Farid, Wahid"),
        _names("Ahmadi, Hosseini, Rahimi, Sultani, Noori"),
        _names("Hasti, Setayesh, Yalda, Mahsa"),
        _names("Mustafa, Ali, Omid, Arman"),
        3,
        0,
        halal=0.8,
    ),
    Origin(
        ("Pasjtoe", "Pasjtoe; Dari"),
        _names("Palwasha, Nazia, Gulalai, Shazia"),
        _names("Zabihullah, Naqib, Rahmat"),
        _names("Safi, Durrani, Zazai, Stanikzai, Wardak"),
        _names("Malalai, Zarmina, Sana"),
        _names("Bilal, Idris, Zalmai"),
        2,
        0,
        halal=0.9,
    ),
    Origin(
        ("Russisch", "Russisch; Nederlands"),
        _names("Olga, Natalia, Irina, Ekaterina"),
        _names("Sergei, Dmitri"),
        _names("Ivanov/Ivanova, Smirnov/Smirnova, Volkov/Volkova, Kuznetsov/Kuznetsova"),
        _names("Alisa, Polina, Vera"),
        _names("Lev, Timofei, Mikhail"),
        2,
        1,
    ),
    Origin(
        ("Oekraïens", "Oekraïens; Russisch"),
        _names("Oksana, Iryna, Tetiana, Yulia, Kateryna"),
        _names("Andrii, Oleksandr"),
        _names("Kovalenko, Shevchuk, Bondarenko, Melnyk, Tkachenko, Kravchuk"),
        _names("Sofiia, Anastasiia, Zlata"),
        _names("Maksym, Artem, Mark"),
        3,
        1,
    ),
    Origin(
        ("Bulgaars", "Bulgaars; Turks", "Turks; Bulgaars"),
        _names("Gergana, Desislava, Mariya, Fatme, Ayten"),
        _names("Georgi, Ivan, Mehmed"),
        _names(
            "Petrov/Petrova, Georgiev/Georgieva, Dimitrov/Dimitrova, Ahmedov/Ahmedova, "
            "Hasanov/Hasanova"
        ),
        _names("Viktoria, Aleksandra, Elif"),
        _names("Martin, Aleks, Emir"),
        3,
        1,
        halal=0.3,
    ),
    Origin(
        ("Spaans", "Spaans; Nederlands", "Spaans; Engels"),
        _names("Lucía, Carmen, Valentina, Daniela, Paula"),
        _names("Javier, Andrés, Carlos"),
        _names("García, Rodríguez, Morales, Rojas, Fernández, Torres"),
        _names("Martina, Valeria, Olivia"),
        _names("Mateo, Hugo, Santiago"),
        2,
        3,
    ),
    Origin(
        ("Portugees", "Portugees; Nederlands"),
        _names("Ana, Mariana, Juliana, Beatriz"),
        _names("João, Rafael, Tiago"),
        _names("Ferreira, Costa, Souza, Almeida, Rodrigues, Santos"),
        _names("Alice, Helena, Laura"),
        _names("Miguel, Gabriel, Davi"),
        2,
        2,
    ),
]

# postcode, neighbourhood, weight among vulnerable families, among neighbourhood families
NEIGHBOURHOODS = [
    ("2060", "Antwerpen-Noord", 8, 6),
    ("2060", "Seefhoek", 6, 5),
    ("2060", "Stuivenberg", 4, 2),
    ("2060", "Dam", 2, 3),
    ("2140", "Borgerhout", 6, 6),
    ("2020", "Kiel", 5, 2),
    ("2100", "Deurne", 3, 3),
    ("2050", "Linkeroever", 3, 2),
    ("2000", "Sint-Andries", 2, 2),
    ("2000", "Eilandje", 0, 3),
    ("2018", "Zurenborg", 0, 3),
    ("2018", "Haringrode", 1, 2),
    ("2180", "Ekeren", 1, 1),
]

# Criteria that hold, and the organisations that refer such a family.
VULNERABLE_PROFILES = [
    ({"single_parent", "low_income"}, ["OCMW Antwerpen", "CAW Antwerpen", "Huis van het Kind"]),
    ({"integration_course", "low_income", "no_secondary_diploma"}, ["Atlas"]),
    ({"integration_course", "no_secondary_diploma"}, ["Atlas"]),
    ({"integration_course", "low_income", "single_parent"}, ["Atlas", "OCMW Antwerpen"]),
    ({"job_seeking", "low_income"}, ["VDAB", "OCMW Antwerpen"]),
    ({"job_seeking", "no_secondary_diploma"}, ["VDAB"]),
    ({"work_or_training", "low_income"}, ["VDAB", "OCMW Antwerpen"]),
    ({"health_or_care", "single_parent"}, ["CAW Antwerpen", "Kind en Gezin"]),
    ({"health_or_care", "low_income", "single_parent"}, ["CAW Antwerpen", "OCMW Antwerpen"]),
    ({"low_income", "no_secondary_diploma"}, ["OCMW Antwerpen", "Huis van het Kind"]),
    ({"health_or_care", "work_or_training", "foster_child"}, ["Kind en Gezin"]),
]
NEIGHBOURHOOD_PROFILES = [
    {"work_or_training"},
    {"work_or_training"},
    {"work_or_training"},
    {"work_or_training", "single_parent"},  # a working single parent is not vulnerable
    {"work_or_training", "integration_course"},  # both count as one characteristic
    {"low_income"},
    {"job_seeking"},
    set(),
]

ALLERGIES = ["pinda's", "koemelkeiwit", "ei", "noten", "koemelkeiwit; ei", "kiwi"]
STAFF_NOTES = [
    "slaapt na de middag met knuffel",
    "slaapt in met de fopspeen",
    "eet nog gepureerd",
    "drinkt graag uit de eigen beker",
    "afscheid 's ochtends gaat vlotter met een liedje",
    "heeft een extra trui in de zak: wordt snel koud",
    "leert stappen; houdt graag een hand vast",
]
# Belgian mobile prefixes (04xx).
MOBILE_PREFIXES = (470, 471, 472, 473, 475, 476, 477, 478, 479, 484, 485, 486, 487, 488, 489)
MOBILE_PREFIXES += (492, 493, 494, 495, 496, 497, 498, 499)


def surname_form(surname: str, *, female: bool) -> str:
    male_form, _slash, female_form = surname.partition("/")
    return female_form if female and female_form else male_form


def phone(rng: random.Random) -> str:
    prefix = rng.choice(MOBILE_PREFIXES)
    return f"0{prefix} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def email(first_name: str, last_name: str) -> str:
    name = f"{first_name}.{last_name}".lower().replace("ı", "i")
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    # Python 3.12's nested quotes in an f-string stop xgettext from reading the rest of a file.
    local_part = name.replace(" ", "").replace("'", "")
    return f"{local_part}@example.be"


def pickup_persons(
    rng: random.Random, origin: Origin, parents: Iterable[tuple[Guardian, bool]]
) -> str:
    persons = [
        f"{'Mama' if female else 'Papa'} ({guardian.first_name})" for guardian, female in parents
    ]
    if rng.random() < 0.4:
        persons.append(f"Oma {rng.choice(origin.mothers)}")
    if rng.random() < 0.2:
        persons.append(f"{rng.choice(['Tante', 'Buurvrouw'])} {rng.choice(origin.mothers)}")
    return "\n".join(persons)


def diet(rng: random.Random, origin: Origin) -> str:
    if rng.random() < origin.halal:
        return "halal"
    if not origin.halal and rng.random() < 0.12:
        return "vegetarisch"
    return ""

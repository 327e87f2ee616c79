"""The files the demo writes beside its source: the inputs file, the recipients file, and the comment sheets
filled in as finance staff would.

The inputs file holds the controllers' forecast adjustment; everything else a report needs from finance
staff (assessments, comments, measures, carry-overs, other deviations) is typed into each board report's
comment sheet (publish.comment_sheet) by `fill_demo_comment_sheet` and imported with the import command's
code, as finance staff would. Every board report of the demo is then complete.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import yaml

from generator.ledger import DEFAULT_INVESTMENT_BOOKING, INVESTMENT_BOOKING
from publish import comment_sheet as sheet
from uppfoljning.inputs import STATUS_LABELS, Inputs
from uppfoljning.plan import MNKR, Plan

# Board goal id -> report kind -> (status, comment). The goal owners' voice: short, about the goal's topic.
GOAL_ASSESSMENTS: dict[str, dict[str, tuple[str, str]]] = {
    "rs01-kris-och-krig": {
        "ur1": (
            "delvis_uppfyllt",
            "Arbetet med regionens krigsorganisation har påbörjats och en risk- och sårbarhetsanalys tas fram "
            "under våren.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Nyckelpersoner på regionkontoret är krigsplacerade och en ledningsövning för höjd beredskap "
            "genomfördes i maj. Utbildning i säkerhetsskydd pågår.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Förmågan att hantera kris och krig har stärkts genom övningar, uppdaterade planer för höjd "
            "beredskap och utbildning i säkerhetsmedvetenhet för i stort sett alla chefer.",
        ),
    },
    "rs02-framtidens-vardutbud": {
        "ur1": (
            "delvis_uppfyllt",
            "Underlag om befolkningsutveckling och vårdbehov fram till 2035 har presenterats för "
            "regionstyrelsen. Analysarbetet följer tidplanen.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "En första version av planen för framtidens vårdutbud har remitterats till förvaltningarna och "
            "kommunerna.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Planen för framtidens vårdutbud är beslutad och ligger till grund för lokalförsörjnings- och "
            "investeringsplaneringen.",
        ),
    },
    "rs03-kompetensbehov": {
        "ur1": (
            "delvis_uppfyllt",
            "Den regiongemensamma kompetensförsörjningsplanen revideras och satsningen på "
            "utbildningsanställningar inom bristyrken fortsätter.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Fler chefer har gått ledarutvecklingsprogrammet och arbetet med heltid som norm fortsätter. "
            "Personalomsättningen ligger nära målvärdet.",
        ),
        "arsredovisning": (
            "delvis_uppfyllt",
            "Insatser för att behålla medarbetare har genomförts, men bristen inom vissa specialistyrken "
            "kvarstår. Målet bedöms därför som delvis uppfyllt.",
        ),
    },
    "rs04-klimat-miljo": {
        "ur1": (
            "delvis_uppfyllt",
            "Handlingsplanen för det interna miljöarbetet följs upp kvartalsvis. Tjänsteresorna med flyg har "
            "minskat jämfört med samma period förra året.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Andelen fossilfria fordon i regionens fordonsflotta har ökat och energieffektiviseringen i "
            "fastigheterna går enligt plan.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Klimatpåverkan från tjänsteresor och energianvändning har minskat i linje med miljöprogrammets "
            "delmål, och miljökrav ställs i alla relevanta upphandlingar.",
        ),
    },
    "rs05-smarta-specialiseringar": {
        "ur1": (
            "delvis_uppfyllt",
            "Samverkan med Högskolan i Halmstad och näringslivet inom de smarta specialiseringarna fortsätter. "
            "Två nya innovationsprojekt har beviljats medel.",
        ),
        "ur2": (
            "uppfyllt",
            "Strategin för smart specialisering har följts upp och insatserna inom hälsoinnovation och grön "
            "omställning har förstärkts.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Hallands smarta specialiseringar har stärkts genom nya samverkansprojekt och ökad extern "
            "finansiering från EU:s strukturfonder.",
        ),
    },
    "rs06-tillganglighet-arbete-studier": {
        "ur1": (
            "delvis_uppfyllt",
            "Bredbandsutbyggnaden på landsbygden fortsätter men har försenats av upphandlingen. Arbetet med "
            "det nya trafikförsörjningsprogrammet pågår.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Bredbandsutbyggnaden ligger efter tidplanen, vilket också syns i investeringsutfallet. Resandet "
            "med kollektivtrafiken har ökat jämfört med förra året.",
        ),
        "arsredovisning": (
            "delvis_uppfyllt",
            "Kollektivtrafikens resande har ökat, men bredbandsutbyggnaden når inte årets mål för antal "
            "anslutna hushåll.",
        ),
    },
    "rs07-paverkansagenda": {
        "ur1": (
            "delvis_uppfyllt",
            "Påverkansagendan revideras och prioriteringar för infrastruktur och kompetensförsörjning tas fram.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Påverkansagendan har uppdaterats med prioriterade frågor inom infrastruktur och "
            "kompetensförsörjning, och dialog har förts med regeringskansliet.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Påverkansagendan är beslutad och har använts i dialoger med staten och EU om Västkustbanan och "
            "regionens kompetensförsörjning.",
        ),
    },
    "rs08-jamstalldhet-barns-rattigheter": {
        "ur1": (
            "delvis_uppfyllt",
            "En regiongemensam handlingsplan för jämställdhet har tagits fram och chefer erbjuds utbildning i "
            "barnrättsbaserat arbetssätt.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Barnkonsekvensanalyser används i fler beslutsärenden. Jämställdhetsanalysen av resursfördelningen "
            "har påbörjats.",
        ),
        "arsredovisning": (
            "delvis_uppfyllt",
            "Barnkonsekvensanalyser görs i allt fler ärenden, men jämställdhetsanalyser av resursfördelningen "
            "är ännu inte genomförda i alla förvaltningar.",
        ),
    },
    "rs09-tillganglighet-vard": {
        "ur1": (
            "ej_uppfyllt",
            "Väntetiderna till planerade operationer och första besök i specialiserad vård är fortsatt längre "
            "än vårdgarantin medger.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Produktionsplaneringen har förbättrats och köerna till flera specialiteter har minskat, men "
            "vårdgarantin uppfylls inte inom alla områden.",
        ),
        "arsredovisning": (
            "delvis_uppfyllt",
            "Tillgängligheten har förbättrats under hösten, men andelen patienter som får operation inom "
            "vårdgarantins 90 dagar når inte målnivån.",
        ),
    },
    "rs10-nara-vard": {
        "ur1": (
            "delvis_uppfyllt",
            "Färdplanen för nära vård följs upp tillsammans med de halländska kommunerna. Fler mobila team är "
            "i drift.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Samverkan med kommunerna kring den nära vården har fördjupats och digitala vårdbesök ökar.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Omställningen till nära vård har fortsatt enligt färdplanen, med fler mobila insatser och en "
            "gemensam uppföljning med kommunerna.",
        ),
    },
    "rs11-ai-informationsdriven": {
        "ur1": (
            "delvis_uppfyllt",
            "En regiongemensam AI-strategi är under framtagande och tre pilotprojekt med språkmodeller i "
            "administrationen har startat.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Pilotprojekten med AI-stöd för dokumentation har utvärderats och en styrmodell för AI-användning "
            "har beslutats.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Förutsättningarna för att använda AI och data har stärkts genom en gemensam dataplattform, en "
            "styrmodell och utbildning av verksamheterna.",
        ),
    },
    "rs12-vardinformationsstod": {
        "ur1": (
            "delvis_uppfyllt",
            "Förberedelserna inför införandet av det nya vårdinformationsstödet följer tidplanen. Utbildning "
            "av superanvändare har påbörjats.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Införandeplanen har justerats efter leverantörens besked, och testerna av integrationer pågår.",
        ),
        "arsredovisning": (
            "delvis_uppfyllt",
            "Införandet av det nya vårdinformationsstödet har förberetts enligt den justerade planen, men "
            "driftstarten har flyttats till nästa år.",
        ),
    },
}
# Work-environment activity id -> report kind -> (status, comment).
ACTIVITY_ASSESSMENTS: dict[str, dict[str, tuple[str, str]]] = {
    "chefers-forutsattningar": {
        "ur1": (
            "delvis_uppfyllt",
            "En ny struktur för chefsintroduktionen är framtagen och prövas med de chefer som börjat under våren.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Chefsintroduktionen följer den nya strukturen; en checklista för rekryterande chef har införts.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Alla nya chefer under året har fått introduktion enligt den nya strukturen, och uppföljningen visar "
            "att de upplever introduktionen som tydlig.",
        ),
    },
    "medarbetarnas-forutsattningar": {
        "ur1": (
            "delvis_uppfyllt",
            "Introduktionsprocessen för medarbetare revideras tillsammans med skyddsombuden.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Den reviderade introduktionen används på hälften av avdelningarna; resten börjar efter sommaren.",
        ),
        "arsredovisning": (
            "delvis_uppfyllt",
            "Introduktionen är införd på alla avdelningar, men uppföljningen av nyanställdas upplevelse "
            "påbörjas först nästa år.",
        ),
    },
}
# Report kind -> (status, comment) of the basic mission.
BASIC_MISSION_ASSESSMENTS: dict[str, tuple[str, str]] = {
    "ur1": (
        "delvis_uppfyllt",
        "En gemensam modell för ledning av regionövergripande processer har tagits fram och prövas i två "
        "processer.",
    ),
    "ur2": (
        "delvis_uppfyllt",
        "Processledningsmodellen används i fyra regionövergripande processer; ledningsgruppens arbetsformer "
        "har setts över.",
    ),
    "arsredovisning": (
        "uppfyllt",
        "Den nya processledningen används i de prioriterade regionövergripande processerna och har gett "
        "tydligare ansvar och snabbare beslut.",
    ),
}
# Follow-up tool id -> report kind -> what it showed.
FOLLOW_UP_NOTES: dict[str, dict[str, str]] = {
    "egenkontroller": {
        "ur1": "Egenkontrollerna för våren är genomförda på alla avdelningar; två brister i ergonomi åtgärdas.",
        "ur2": "Höstens egenkontroller planeras till september.",
        "arsredovisning": "Båda årets egenkontroller är genomförda; de brister som hittades är åtgärdade.",
    },
    "medarbetarundersokning": {
        "ur1": "Medarbetarundersökningen genomförs i september.",
        "ur2": "Medarbetarundersökningen genomförs i september.",
        "arsredovisning": "Svarsfrekvens 84 procent. Hållbart medarbetarengagemang 79 av 100, samma som förra "
        "året; arbetsbelastning är det område som flest avdelningar valt att arbeta vidare med.",
    },
    "intern-kontroll": {
        "ur1": "Kontrollmomenten för arbetsmiljö i internkontrollplanen följer tidplanen.",
        "ur2": "Inga avvikelser i internkontrollens arbetsmiljömoment hittills i år.",
        "arsredovisning": "Internkontrollen visade att introduktion av nyanställda inte dokumenterades "
        "konsekvent; rutinen har skärpts.",
    },
    "arbetsskador-tillbud": {
        "ur1": "Tre tillbud och en arbetsskada har anmälts; inget allvarligt.",
        "ur2": "Sju tillbud och två arbetsskador hittills i år, främst belastningsbesvär.",
        "arsredovisning": "Elva tillbud och tre arbetsskador under året. Analysen pekar på belastning vid "
        "skärmarbete, som tas upp i skyddskommittén.",
    },
}
# Deviation id (transforms.deviations) -> report month -> (comment, measures). A month without its own
# text uses the latest earlier one, so that a deviation that persists keeps its explanation.
DEVIATION_COMMENTS: dict[str, dict[int, tuple[str, str | None]]] = {
    "resultat": {
        2: ("Överskottet kommer av lägre personalkostnader än budgeterat; se personalkostnader.", None),
    },
    "ekonomi.intakter": {
        2: (
            "Statsbidragen för regional utveckling blev högre än budgeterat, och intäkterna från "
            "IT-tjänster till förvaltningarna ökade med fler användare.",
            None,
        ),
    },
    "ekonomi.personalkostnader": {
        2: (
            "Vakanser inom IT-förvaltningen och Hälso- och sjukvårdsstaben; rekryteringarna tar längre tid än "
            "planerat.",
            "Rekryteringarna prioriteras; bemanningskonsulter används där vakanserna påverkar leveranser.",
        ),
        12: (
            "Vakanserna inom IT-förvaltningen och Hälso- och sjukvårdsstaben kvarstod under hösten.",
            None,
        ),
    },
    "ekonomi.ovriga_driftskostnader": {
        2: (
            "Konsulter har ersatt vakanta tjänster, och licenskostnaderna för IT-tjänster har ökat mer än "
            "budgeterat.",
            "Licenserna gås igenom inför förnyelsen i januari; konsultinsatser beslutas av avdelningschef.",
        ),
    },
    "indikator.personalomsattning": {
        2: (
            "Flera pensionsavgångar och byten av tjänst till andra förvaltningar inom regionen.",
            "Exitsamtal med alla som slutar; resultatet följs upp i samverkansgruppen.",
        ),
    },
    "indikator.sjukfranvaro": {
        2: (
            "Den långa sjukfrånvaron har ökat något, främst inom IT-förvaltningen.",
            "Tidiga rehabiliteringsinsatser tillsammans med företagshälsovården.",
        ),
    },
}
GENERIC_DEVIATION_COMMENT = "Avvikelsen följs upp av ansvarig avdelning."
# Report month -> other deviations: (title, description, measures).
OTHER_DEVIATIONS: dict[int, list[tuple[str, str, str | None]]] = {
    2: [
        (
            "Krisledning under stormen i januari",
            "Regionens krisledning var aktiverad i nio dagar under stormen i januari. Arbetet tog resurser från "
            "avdelningen Säkerhet och beredskap, och två planerade övningar har flyttats till hösten.",
            "Övningarna genomförs i oktober.",
        )
    ],
    10: [
        (
            "Försenat byte av ärendehanteringssystem",
            "Leverantören av det nya ärendehanteringssystemet har flyttat leveransen till mars 2026. "
            "Det gamla systemet används under tiden, med förlängt avtal.",
            "Avtalet om det gamla systemet är förlängt till juni 2026.",
        )
    ],
}
# Investment name -> report month -> comment. Forecasts (share of the year's budget) accompany the comments
# from UR2 on, consistent with the spending the ledger is given.
INVESTMENT_COMMENTS: dict[str, dict[int, str]] = {
    "Bredbandsutbyggnad": {
        2: "Upphandlingen av årets två första etapper pågår; utgifterna kommer från våren.",
        4: "Utbyggnaden har kommit igång långsamt: två av fem etapper är upphandlade och arbetet startar i maj.",
        8: "Entreprenören är försenad och årets utbyggnad bedöms inte nå budgeterad nivå. Resterande medel "
        "behöver föras över till 2026.",
        10: "Förseningen kvarstår; tre av fem etapper är påbörjade. Prognosen ligger fast.",
        12: "Utbyggnaden blev försenad av överklagade upphandlingar. Medel som inte förbrukats föreslås föras "
        "över till 2026.",
    },
    "FVIS": {
        2: "Förberedelserna följer tidplanen; de största utgifterna kommer under hösten.",
        4: "Förberedelserna för det nya vårdinformationsstödet följer tidplanen. Utgifterna kommer främst under "
        "hösten.",
        8: "Leverantörens förskjutna tidplan gör att delar av konfigurationsarbetet flyttas till nästa år.",
        10: "Konfigurations- och testarbetet pågår enligt den justerade planen. Prognosen för året är oförändrad.",
        12: "Delar av konfigurationsarbetet har flyttats till 2026 efter leverantörens förskjutna tidplan.",
    },
    "Möbler och utrustning, övrigt": {
        2: "Inköpen av möbler sker främst under våren och hösten.",
        4: "Ommöbleringen av kontorsplatserna i Halmstad har påbörjats.",
        8: "Ommöbleringen av kontorsplatserna i Halmstad följer plan.",
        10: "Något högre priser än beräknat på kontorsmöbler kan ge en mindre överskridelse.",
        12: "Budgeten överskreds marginellt på grund av prisökningar på kontorsmöbler.",
    },
    "IT-utrustning": {
        2: "Utbytet av datorer och nätverksutrustning enligt livscykelplanen har startat.",
        4: "Utbytet av datorer och nätverksutrustning enligt livscykelplanen pågår.",
        8: "Leveranstiderna för nätverksutrustning är långa och en del av utbytet skjuts till början av 2026.",
        10: "Utbytet av klientdatorer är i stort sett klart; nätverksutrustningen levereras under november.",
        12: "Utbytet av klientdatorer är genomfört. En del av nätverksutrustningen levereras först 2026.",
    },
}
INVESTMENT_FORECAST_FROM_MONTH = 8  # UR2
# Investments whose unspent budget is proposed for carry-over to next year (ombudgetering) in December.
CARRY_OVER = ("Bredbandsutbyggnad", "FVIS", "IT-utrustning")
FORECAST_ADJUSTMENT_MONTH = 8
FORECAST_ADJUSTMENT_SEK = -3_000_000.0


def _latest(texts: dict[int, Any], month: int) -> Any:
    """The entry of the latest month up to `month`, or None."""
    earlier = [m for m in texts if m <= month]
    return texts[max(earlier)] if earlier else None


def write_demo_inputs(path: Path, plan: Plan) -> None:
    """Write the demo's inputs file (uppfoljning.inputs.Inputs): the year and the controllers' forecast
    adjustment. Assessments and comments reach it through the comment sheets (fill_demo_comment_sheet)."""
    data = {
        "year": plan.year,
        "forecast_adjustments": {
            f"{plan.year}-{FORECAST_ADJUSTMENT_MONTH:02d}": [
                {
                    "row": "personalkostnader",
                    "amount_sek": FORECAST_ADJUSTMENT_SEK,
                    "comment": "Vakanser inom IT-förvaltningen och Hälso- och sjukvårdsstaben som inte bedöms "
                    "tillsättas före årsskiftet ger lägre personalkostnader än budgeterat.",
                }
            ]
        },
    }
    Inputs.model_validate(data)  # fail here, not in the pipeline, if the schema moved
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
    path.write_text(
        "# Demo inputs (generated by generator.demo_files.write_demo_inputs).\n" + text, encoding="utf-8"
    )


DEMO_RECIPIENTS = {
    # RFC 2606's reserved .example domain: a demo can never mail a real person, whatever is configured.
    "allowed_domains": ["regionhalland.example"],
    "lists": {
        "avvikelserapport": ["ekonomi@regionhalland.example", "ordforande@regionhalland.example"],
        "ur1": [
            "ekonomi@regionhalland.example",
            "ordforande@regionhalland.example",
            "ledamot@regionhalland.example",
        ],
        "ur2": [
            "ekonomi@regionhalland.example",
            "ordforande@regionhalland.example",
            "ledamot@regionhalland.example",
        ],
        "arsredovisning": ["ekonomi@regionhalland.example", "ordforande@regionhalland.example"],
        # manadsrapport: no list, so the monthly reports are published and not sent.
    },
}


def write_demo_recipients(path: Path) -> None:
    """The demo's recipients file (delivery.recipients): sent into OUT/outbox/, never by SMTP."""
    path.write_text(
        "# Demo: the report kinds' distribution lists (see README, 'Sending').\n"
        + yaml.safe_dump(DEMO_RECIPIENTS, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )


def fill_demo_comment_sheet(path: Path, plan: Plan) -> int:
    """Type the demo's assessments, comments, measures, forecasts and carry-overs into a comment sheet
    written by a run (publish.comment_sheet), as finance staff would; cells already filled are kept.

    Returns the number of cells typed into. The sheet is then imported with the import command's code.
    """
    workbook = openpyxl.load_workbook(path)
    info = {row[0]: row[1] for row in workbook[sheet.INFO_SHEET].iter_rows(values_only=True) if row[0]}
    period, kind = str(info[sheet.INFO_PERIOD]), str(info[sheet.INFO_KIND])
    month = int(period[5:])
    typed = 0

    def put(cells: Any, column: int, value: Any) -> None:
        nonlocal typed
        if value is not None and cells[column - 1].value in (None, ""):
            cells[column - 1].value = value
            typed += 1

    if sheet.ASSESSMENT_SHEET in workbook.sheetnames:
        for cells in workbook[sheet.ASSESSMENT_SHEET].iter_rows(min_row=2):
            row_type, item_id, name = cells[0].value, cells[1].value, cells[3].value
            if row_type == sheet.TOOL:
                put(cells, 6, FOLLOW_UP_NOTES.get(item_id, {}).get(kind))
                continue
            entered: tuple[str, str] | None
            if row_type == sheet.GOAL:
                entered = GOAL_ASSESSMENTS.get(item_id, {}).get(
                    kind, ("delvis_uppfyllt", f"Arbetet med målet ”{name}” pågår enligt plan.")
                )
            elif row_type == sheet.ACTIVITY:
                entered = ACTIVITY_ASSESSMENTS.get(item_id, {}).get(kind)
            else:
                entered = BASIC_MISSION_ASSESSMENTS.get(kind)
            if entered:
                put(cells, 5, STATUS_LABELS[entered[0]])
                put(cells, 6, entered[1])
    for cells in workbook[sheet.DEVIATION_SHEET].iter_rows(min_row=2):
        comment, measures = _latest(DEVIATION_COMMENTS.get(cells[0].value, {}), month) or (
            GENERIC_DEVIATION_COMMENT,
            None,
        )
        put(cells, 9, comment)
        put(cells, 10, measures)
    for cells in workbook[sheet.INVESTMENT_SHEET].iter_rows(min_row=2):
        name = cells[0].value
        comment = _latest(INVESTMENT_COMMENTS.get(name, {}), month) or "Utfallet följer i stort sett planen."
        budget, spent = float(cells[2].value or 0), float(cells[3].value or 0)
        if month == 12:
            comment = f"Utfall {_amount(spent)} av {_amount(budget)}. {comment}"
            if name in CARRY_OVER and budget > spent:
                put(cells, 10, round(budget - spent, 2))
        elif month >= INVESTMENT_FORECAST_FROM_MONTH:
            share = INVESTMENT_BOOKING.get(name, DEFAULT_INVESTMENT_BOOKING)[2]
            put(cells, 8, round(budget * share, -4))
        put(cells, 7, comment)
    others = workbook[sheet.OTHER_SHEET]
    for index, (title, description, measures) in enumerate(OTHER_DEVIATIONS.get(month, []), start=2):
        cells = others[index]
        put(cells, 2, title)
        put(cells, 3, description)
        put(cells, 4, measures)
    workbook.save(path)
    return typed


def _amount(sek: float) -> str:
    """Mnkr with one decimal comma, rounded half up (11,85 -> 11,9); small amounts in tkr so they differ."""
    if sek < MNKR:
        return f"{int(sek / 1000 + 0.5)} tkr"
    tenths = int(sek / (MNKR / 10) + 0.5)
    return f"{tenths // 10},{tenths % 10} mnkr"

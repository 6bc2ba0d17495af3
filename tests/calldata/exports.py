# ruff: noqa: E501  (rows of a CAD export read best one per line)
"""CAD exports written from the traits of real ones the team has not seen: disposition codes
from published code lists (San José's `CAN`, `DUPNCAN`; Seattle's and New Orleans' `DUP`,
`UNF`), beats written `-1` when unknown, addresses split over several columns, a San José-style
file (compact `CDTS` stamp, date-only `REPORT_DATE`, `OFFENSE_DATE` + `OFFENSE_TIME`,
`FINAL_DISPO`), and a file cut off in the middle of its last line."""

from __future__ import annotations

DISPOSITIONS = (
    "Incident Number,Call Type,Priority,Received,Disposition,Beat\n"
    "D1,WELFARE CHECK,3,2024-05-01 08:00:00,ADV,B1\n"
    "D2,WELFARE CHECK,3,2024-05-01 08:05:00,DUP,B1\n"
    "D3,NOISE COMPLAINT,4,2024-05-01 09:00:00,CAN,-1\n"
    "D4,NOISE COMPLAINT,4,2024-05-01 09:30:00,DUP - Duplicate call,B2\n"
    "D5,SUSPICIOUS PERSON,2,2024-05-01 10:00:00,UNF,UNK\n"
    "D6,SUSPICIOUS PERSON,2,2024-05-01 11:00:00,CANC,0\n"
    "D7,TRAFFIC HAZARD,3,2024-05-01 12:00:00,RPT,B2\n"
    "D8,TEST,5,2024-05-01 12:10:00,VOID,B1\n"
    "D9,WELFARE CHECK,3,2024-05-01 13:00:00,DUP,\n"
    "D9,WELFARE CHECK,3,2024-05-01 13:02:00,ADV,B3\n"
    "D10,,3,2024-05-01 14:00:00,ADV,B1\n"
    ",,,,,\n"
)

SAN_JOSE = (
    "CDTS,EID,START_DATE,CALL_NUMBER,PRIORITY,REPORT_DATE,OFFENSE_DATE,OFFENSE_TIME,CALLTYPE_CODE,CALL_TYPE,FINAL_DISPO_CODE,FINAL_DISPO,ADDRESS,CITY,STATE\n"
    "20240301001512PS,1001,2024-03-01 00:00:00.000,P240610001,2,2024-03-01 00:00:00.000,2024-03-01 00:00:00.000,00:15:12,1033A,ALARM AUDIBLE,N,No report required; dispatch record only,[1000]-[1100] N 1ST ST,San Jose,CA\n"
    "20240301084531PS,1002,2024-03-01 00:00:00.000,P240610002,3,2024-03-01 00:00:00.000,2024-03-01 00:00:00.000,08:45:31,415,DISTURBANCE,CAN,Canceled,[200]-[300] E SANTA CLARA ST,San Jose,CA\n"
    "20240301131000PS,1003,2024-03-01 00:00:00.000,P240610003,4,2024-03-01 00:00:00.000,2024-03-01 00:00:00.000,13:10:00,1057,WELFARE CHECK,R,Report taken,[500]-[600] S 10TH ST,San Jose,CA\n"
    "20240310031500PD,1004,2024-03-10 00:00:00.000,P240700004,2,2024-03-10 00:00:00.000,2024-03-10 00:00:00.000,03:15:00,415F,DISTURBANCE-FAMILY,DUPNCAN,Duplicate,[100]-[200] W ALMA AV,San Jose,CA\n"
    "20240310172000PD,1005,2024-03-10 00:00:00.000,P240700005,3,2024-03-11 00:00:00.000,2024-03-10 00:00:00.000,17:20:00,5150,MENTALLY DISTURBED PERSON,N,No report required; dispatch record only,[1500]-[1600] THE ALAMEDA,San Jose,CA\n"
    "20241103013000PD,1006,2024-11-03 00:00:00.000,P243080006,2,2024-11-03 00:00:00.000,2024-11-03 00:00:00.000,01:30:00,1057,WELFARE CHECK,N,No report required; dispatch record only,[700]-[800] STORY RD,San Jose,CA\n"
    "20241103013000PS,1007,2024-11-03 00:00:00.000,P243080007,2,2024-11-03 00:00:00.000,2024-11-03 00:00:00.000,01:30:00,1057,WELFARE CHECK,N,No report required; dispatch record only,[700]-[800] STORY RD,San Jose,CA\n"
)

SPLIT_ADDRESS = (
    "Event Number,Nature,Call Date,Call Time,Street Number,Street Direction,Street Name,Street Suffix,Cross Street,Beat,Disposition,Priority\n"
    "E1,WELFARE CHECK,2024-06-01,08:15:00,1200,N,MAIN,ST,,B1,ADV,1\n"
    "E2,NOISE,2024-06-01,22:40:00,45,,ELM,AVE,OAK ST,-1,CAN,2\n"
    "E3,SUSPICIOUS PERSON,2024-06-02,03:05:00,,,PARK,DR,LAKE RD,B2,UNF,0\n"
    "E4,WELFARE CHECK,2024-06-02,10:00:00,300,W,5TH,ST,,B2,DUP,1\n"
)

MIDNIGHT = (
    "Incident,Call Type,Report Date,Beat\n"
    "M1,WELFARE CHECK,2024-04-01,B1\n"
    "M2,NOISE,2024-04-01,B1\n"
    "M3,NOISE,2024-04-02,B2\n"
    "M4,SUSPICIOUS PERSON,2024-04-03,B2\n"
)

# The last line is cut after "09:0": the file stops in the middle of a call record.
TRUNCATED = (
    "Incident Number,Call Type,Priority,Received,Disposition,Beat\n"
    "T1,WELFARE CHECK,3,2024-05-01 08:00:00,ADV,B1\n"
    "T2,NOISE COMPLAINT,4,2024-05-01 08:30:00,ADV,B2\n"
    'T3,"SUSPICIOUS PERSON",2,2024-05-01 09:00:00,RPT,B1\n'
    "T4,WELFARE CHECK,3,2024-05-01 09:0"
)


def all_exports() -> dict[str, bytes]:
    return {
        "dispositions.csv": DISPOSITIONS.encode(),
        "san-jose.csv": SAN_JOSE.encode(),
        "split-address.csv": SPLIT_ADDRESS.encode(),
        "midnight.csv": MIDNIGHT.encode(),
        "truncated.csv": TRUNCATED.encode(),
    }

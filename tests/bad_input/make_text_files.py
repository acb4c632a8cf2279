#!/usr/bin/env python3
# Writes the text part of the bad-input corpus (files/*) and manifest.csv, the
# expectation of every file (generated binaries, gen/NAME, included: generate.cpp
# writes those at test time). Run it after changing a case here:
#   python3 tests/bad_input/make_text_files.py
# The files are committed as written; bad_input_test.cpp reads them and the manifest.
import os, csv, json
ROOT=os.path.dirname(os.path.abspath(__file__))
F=os.path.join(ROOT,'files')
os.makedirs(F, exist_ok=True)
rows=[]
def put(name, data):
    if isinstance(data,str): data=data.encode('utf-8')
    open(os.path.join(F,name),'wb').write(data)
def m(name, reader, expect, rows_in='', placed='', rejected='', msg=''):
    rows.append([name, reader, expect, rows_in, placed, rejected, msg])
def inc(name, data, expect, rows_in='', placed='', rejected='', msg='', reader='incidents'):
    put(name, data); m(name, reader, expect, rows_in, placed, rejected, msg)

H="id,time,category,lat,lon\n"
R1="1,2025-01-03 21:30,Misshandel,57.7612,11.9853\n"
R2="2,2025-01-04 02:10,Skadegörelse,57.7601,11.9870\n"
R3="3,2025-01-05 18:00,Rån,57.7590,11.9801\n"
OK3=H+R1+R2+R3
def rowsx(*lines): return H+''.join(l+"\n" for l in lines)

# ---- CSV incidents: quotes -------------------------------------------------------------
inc('csv_quote_unterminated.csv', H+R1+'2,2025-01-04 02:10,"Skadegörelse,57.7601,11.9870\n'+R3, 'BadValue', msg='line 3')
inc('csv_quote_mid_field_multiline.csv', H+R1+'2,2025-01-04 02:10,Skade"görelse,57.7601,11.9870\n'+R3+'4,2025-01-05 18:00,R"ån,57.7590,11.9801\n', 'BadValue', msg='line 3')
inc('csv_quote_doubled.csv', H+'1,2025-01-03 21:30,"Misshandel ""grov""",57.7612,11.9853\n'+R2, 'ok', 2, 2, 0)
inc('csv_quote_newline_in_field.csv', 'id,time,category,lat,lon,text\n1,2025-01-03 21:30,Misshandel,57.7612,11.9853,"rad ett\nrad två"\n2,2025-01-04 02:10,Rån,57.7601,11.9870,kort\n', 'ok', 2, 2, 0)
inc('csv_quote_separator_in_field.csv', 'id,time,category,lat,lon,text\n1,2025-01-03 21:30,Misshandel,57.7612,11.9853,"a, b, c"\n', 'ok', 1, 1, 0)
inc('csv_quote_closed_mid_field.csv', H+'1,2025-01-03 21:30,Miss"han,del",57.7612,11.9853\n'+R2, 'ok', 2, 2, 0)
inc('csv_quote_in_header.csv', 'id,"time",category,"lat","lon"\n'+R1, 'ok', 1, 1, 0)
inc('csv_quote_only_char.csv', H+'"\n', 'BadValue', msg='line 2')
inc('csv_quote_quoted_numbers.csv', H+'1,"2025-01-03 21:30","Misshandel","57.7612","11.9853"\n', 'ok', 1, 1, 0)
inc('csv_quote_single_quotes.csv', H+"1,'2025-01-03 21:30','Misshandel','57.7612','11.9853'\n", 'rejects', 1, 0, 1, "1:not a number")
# ---- delimiters ----------------------------------------------------------------------------
inc('csv_delim_semicolon.csv', OK3.replace(',',';'), 'ok', 3, 3, 0)
inc('csv_delim_semicolon_decimal_comma.csv', "id;time;category;lat;lon\n1;2025-01-03 21:30;Misshandel;57,7612;11,9853\n", 'ok', 1, 1, 0)
inc('csv_delim_tab.csv', OK3.replace(',','\t'), 'ok', 3, 3, 0)
inc('csv_delim_pipe.csv', OK3.replace(',','|'), 'UnknownFormat', msg="separated by '|'")
inc('csv_delim_header_comma_rows_semicolon.csv', H+R1.replace(',',';'), 'rejects', 1, 0, 1, '1:missing')
inc('csv_delim_trailing.csv', "id,time,category,lat,lon,\n1,2025-01-03 21:30,Misshandel,57.7612,11.9853,\n", 'ok', 1, 1, 0)
inc('csv_delim_missing_fields.csv', H+"1,2025-01-03 21:30,Misshandel,57.7612\n"+R2, 'rejects', 2, 1, 1, '1:longitude missing')
inc('csv_delim_extra_fields.csv', H+"1,2025-01-03 21:30,Misshandel,57.7612,11.9853,extra,more\n"+R2, 'ok', 2, 2, 0)
inc('csv_delim_decimal_comma_quoted.csv', H+'1,2025-01-03 21:30,Misshandel,"57,7612","11,9853"\n'+R2, 'rejects', 2, 1, 1, '1:thousands mark or a decimal comma')
inc('csv_delim_thousands_comma.csv', 'id,time,category,x,y\n1,2025-01-03 21:30,Misshandel,"320,333","6,405,997"\n', 'rejects', 1, 0, 1, '1:thousands mark or a decimal comma')
inc('csv_delim_spaces_around.csv', "id , time , category , lat , lon\n1 , 2025-01-03 21:30 , Misshandel , 57.7612 , 11.9853\n", 'ok', 1, 1, 0)
inc('csv_delim_tsv_extension.tsv', OK3.replace(',','\t'), 'ok', 3, 3, 0)
# ---- encodings ---------------------------------------------------------------------------------
inc('csv_enc_utf8_bom.csv', b'\xef\xbb\xbf'+OK3.encode(), 'ok', 3, 3, 0)
inc('csv_enc_utf8_bom_crlf.csv', b'\xef\xbb\xbf'+OK3.replace('\n','\r\n').encode(), 'ok', 3, 3, 0)
inc('csv_enc_double_bom.csv', b'\xef\xbb\xbf\xef\xbb\xbf'+OK3.encode(), 'ok', 3, 3, 0)
inc('csv_enc_utf16le_bom.csv', OK3.encode('utf-16-le').join([b'\xff\xfe',b'']), 'ok', 3, 3, 0)
inc('csv_enc_utf16be_bom.csv', b'\xfe\xff'+OK3.encode('utf-16-be'), 'ok', 3, 3, 0)
inc('csv_enc_utf16le_no_bom.csv', OK3.encode('utf-16-le'), 'ok', 3, 3, 0)
inc('csv_enc_windows1252.csv', OK3.encode('cp1252'), 'ok', 3, 3, 0)
inc('csv_enc_windows1252_semicolon_excel.csv', ("id;tid;brottstyp;latitud;longitud;lat;lon;beskrivning\r\n1;2025-01-03 21:30;Skadegörelse;;;57,7612;11,9853;fönster krossat, 500 €\r\n").encode('cp1252'), 'ok', 1, 1, 0)
inc('csv_enc_windows1252_header.csv', "id,time,källa,lat,lon\n1,2025-01-03 21:30,skola,57.7612,11.9853\n".encode('cp1252'), 'ok', 1, 1, 0)
inc('csv_enc_latin1_c1_bytes.csv', H.encode()+b"1,2025-01-03 21:30,Misshandel \x80\x81\x9d,57.7612,11.9853\n", 'ok', 1, 1, 0)
inc('csv_enc_bom_then_invalid.csv', b'\xef\xbb\xbf'+H.encode()+b"1,2025-01-03 21:30,Skadeg\xf6relse,57.7612,11.9853\n", 'ok', 1, 1, 0)
inc('csv_enc_invalid_utf8_in_coord.csv', H.encode()+b"1,2025-01-03 21:30,X,57.76\xff12,11.9853\n", 'rejects', 1, 0, 1, '1:not a number')
inc('csv_enc_overlong_utf8.csv', H.encode()+b"1,2025-01-03 21:30,\xc0\xafetc,57.7612,11.9853\n", 'ok', 1, 1, 0)
inc('csv_enc_nul_in_coord.csv', H.encode()+b"1,2025-01-03 21:30,X,57.7\x00612,11.9853\n"+R2.encode(), 'rejects', 2, 1, 1, '1:not a number')
inc('csv_enc_nul_in_header.csv', b"id,ti\x00me,category,lat,lon\n"+R1.encode(), 'ok', 1, 1, 0)
inc('csv_enc_nul_everywhere.csv', b"\x00"*64, 'UnknownFormat')
# ---- line endings ------------------------------------------------------------------------------
inc('csv_eol_crlf.csv', OK3.replace('\n','\r\n'), 'ok', 3, 3, 0)
inc('csv_eol_cr_only.csv', OK3.replace('\n','\r'), 'ok', 3, 3, 0)
inc('csv_eol_mixed.csv', H+R1.replace('\n','\r\n')+R2+R3.replace('\n','\r'), 'ok', 3, 3, 0)
inc('csv_eol_no_final_newline.csv', OK3.rstrip('\n'), 'ok', 3, 3, 0)
inc('csv_eol_blank_lines.csv', H+"\n"+R1+"\n\n"+R2, 'ok', 2, 2, 0)
inc('csv_eol_whitespace_lines.csv', H+R1+"   \n\t\n"+R2, 'rejects', 4, 2, 2, '2:missing')
# ---- sizes -----------------------------------------------------------------------------------------
inc('csv_size_long_text.csv', 'id,time,category,lat,lon,text\n1,2025-01-03 21:30,Misshandel,57.7612,11.9853,'+('lång text '*12000)+'\n', 'rejects', 1, 0, 1, '1:longer than 65536')
inc('csv_size_long_header_name.csv', 'id,time,category,lat,lon,'+('x'*20000)+'\n'+R1, 'ok', 1, 1, 0)
inc('csv_size_many_columns.csv', 'id,time,category,lat,lon,'+','.join('c%d'%i for i in range(3000))+'\n'+R1, 'BadValue', msg='more than 512')
inc('csv_size_long_number.csv', H+'1,2025-01-03 21:30,X,57.'+('7'*5000)+',11.9853\n', 'ok', 1, 1, 0)
# ---- empty --------------------------------------------------------------------------------------------
inc('csv_empty_zero_bytes.csv', b'', 'UnknownFormat')
inc('csv_empty_header_only.csv', H, 'EmptyLayer', msg='no rows')
inc('csv_empty_header_only_crlf.csv', H.replace('\n','\r\n'), 'EmptyLayer', msg='no rows')
inc('csv_empty_bom_only.csv', b'\xef\xbb\xbf', 'UnknownFormat')
inc('csv_empty_newlines_only.csv', '\n\n\n', 'UnknownFormat')
inc('csv_empty_no_coordinate_columns.csv', 'id,time,category\n1,2025-01-03 21:30,Rån\n', 'MissingField', msg='coordinate columns')
inc('csv_empty_only_lat.csv', 'id,time,category,lat\n1,2025-01-03 21:30,Rån,57.76\n', 'MissingField', msg='coordinate columns')
# ---- coordinates --------------------------------------------------------------------------------
inc('coord_nan.csv', rowsx(R1.strip(), '2,2025-01-04 02:10,X,NaN,11.9870'), 'rejects', 2, 1, 1, '2:not finite')
inc('coord_nan_lower.csv', rowsx('1,2025-01-04 02:10,X,nan,-nan'), 'rejects', 1, 0, 1, '1:not finite')
inc('coord_inf.csv', rowsx('1,2025-01-04 02:10,X,inf,11.98','2,2025-01-04 02:10,X,57.76,-Infinity'), 'rejects', 2, 0, 2, '2:not finite')
inc('coord_overflow.csv', rowsx('1,2025-01-04 02:10,X,1e400,11.98'), 'rejects', 1, 0, 1, '1:')
inc('coord_lat_91.csv', rowsx(R1.strip(),'2,2025-01-04 02:10,X,91,11.98'), 'rejects', 2, 1, 1, '2:out of range')
inc('coord_lon_181.csv', rowsx(R1.strip(),'2,2025-01-04 02:10,X,57.76,181'), 'rejects', 2, 1, 1, '2:out of range')
inc('coord_lat_minus_90.csv', rowsx(R1.strip(),'2,2025-01-04 02:10,X,-90,0'), 'ok', 2, 2, 0)
inc('coord_empty.csv', rowsx(R1.strip(),'2,2025-01-04 02:10,X,,11.98','3,2025-01-04 02:10,X,57.76,'), 'rejects', 3, 1, 2, '2:latitude missing')
inc('coord_text.csv', rowsx(R1.strip(),'2,2025-01-04 02:10,X,north,11.98'), 'rejects', 2, 1, 1, "2:latitude 'north' is not a number")
inc('coord_dms.csv', rowsx('1,2025-01-04 02:10,X,57°45\'36"N,11°59\'07"E'), 'rejects', 1, 0, 1, '1:')
inc('coord_plus_sign.csv', rowsx('1,2025-01-04 02:10,X,+57.7612,+11.9853'), 'ok', 1, 1, 0)
inc('coord_spaces.csv', rowsx('1,2025-01-04 02:10,X, 57.7612 , 11.9853 '), 'ok', 1, 1, 0)
inc('coord_hex.csv', rowsx('1,2025-01-04 02:10,X,0x39,0xc'), 'rejects', 1, 0, 1, '1:not a number')
inc('coord_swapped_backa.csv', H+''.join('%d,2025-01-%02d 21:30,Misshandel,%.4f,%.4f\n'%(i,i,11.97+i*0.001,57.75+i*0.001) for i in range(1,11)), 'BadCoordinate', msg="the columns 'lon' (longitude) and 'lat' (latitude) look swapped")
inc('coord_swapped_one_row.csv', H+R1+R2+'3,2025-01-05 18:00,Rån,11.9801,57.7590\n', 'ok', 3, 3, 0)
inc('coord_outside_area_not_swapped.csv', H+'1,2025-01-03 21:30,Misshandel,59.3293,18.0686\n', 'ok', 1, 1, 0)
inc('coord_null_island.csv', H+'1,2025-01-03 21:30,Misshandel,0,0\n'+R2, 'ok', 2, 2, 0)
inc('coord_xy_no_crs.csv', 'id,time,category,x,y\n1,2025-01-03 21:30,Rån,320333,6405997\n', 'MissingCrs')
inc('coord_latitude_longitude_names.csv', 'id,time,category,Latitude,Longitude\n1,2025-01-03 21:30,Rån,57.76,11.98\n', 'ok', 1, 1, 0)
inc('coord_duplicate_lat_columns.csv', 'id,time,category,lat,lon,lat\n1,2025-01-03 21:30,Rån,57.76,11.98,12\n', 'ok', 1, 1, 0)
inc('coord_wkt_column.csv', 'id,time,category,WKT\n1,2025-01-03 21:30,Rån,"POINT (11.98 57.76)"\n2,2025-01-03 21:30,Rån,"LINESTRING (11.98 57.76,11.99 57.77)"\n3,2025-01-03 21:30,Rån,"POINT EMPTY"\n4,2025-01-03 21:30,Rån,not wkt\n', 'MissingCrs', msg='no CRS')
# ---- times -------------------------------------------------------------------------------------------
T='%d,%s,Misshandel,57.7612,11.9853'
def times(*ts): return H+''.join((T%(i+1,t))+'\n' for i,t in enumerate(ts))
inc('time_month_13.csv', times('2025-01-03 21:30','2025-13-03 21:30'), 'rejects', 2, 1, 1, '2:month 13')
inc('time_day_32.csv', times('2025-01-03 21:30','2025-01-32'), 'rejects', 2, 1, 1, '2:no day 32')
inc('time_feb_29_not_leap.csv', times('2024-02-29','2025-02-29'), 'rejects', 2, 1, 1, '2:no day 29')
inc('time_hour_25.csv', times('2025-01-03 25:00'), 'rejects', 1, 0, 1, '1:hour 25')
inc('time_minute_60.csv', times('2025-01-03 21:60'), 'rejects', 1, 0, 1, '1:minute 60')
inc('time_second_61.csv', times('2025-01-03 21:00:61'), 'rejects', 1, 0, 1, '1:second 61')
inc('time_dst_gap.csv', times('2025-03-30 02:30','2025-03-30 03:30'), 'ok', 2, 2, 0)
inc('time_dst_repeated_hour.csv', times('2025-10-26 02:30'), 'ok', 1, 1, 0)
inc('time_year_0024.csv', times('2025-01-03 21:30','0024-01-03 21:30'), 'rejects', 2, 1, 1, '2:year 24')
inc('time_year_2204.csv', times('2025-01-03 21:30','2204-01-03'), 'rejects', 2, 1, 1, '2:year 2204')
inc('time_year_1899.csv', times('1899-12-31 23:59'), 'rejects', 1, 0, 1, '1:outside 1900-2100')
inc('time_year_0.csv', times('0000-01-01'), 'rejects', 1, 0, 1, '1:year 0')
inc('time_two_digit_year.csv', times('03.01.25 21:30'), 'rejects', 1, 0, 1, '1:two-digit year')
inc('time_epoch_seconds.csv', times('1735936200'), 'ok', 1, 1, 0)
inc('time_epoch_millis.csv', times('1735936200000'), 'rejects', 1, 0, 1, '1:epoch')
inc('time_epoch_far_future.csv', times('99999999999'), 'rejects', 1, 0, 1, '1:year 5138')
inc('time_empty.csv', times('2025-01-03 21:30','') , 'rejects', 2, 1, 1, '2:time missing')
inc('time_offset_out_of_range.csv', times('2025-01-03T21:30+25:00'), 'rejects', 1, 0, 1, '1:offset')
inc('time_iso_week.csv', times('2025-W01-5'), 'rejects', 1, 0, 1, '1:')
inc('time_text_month.csv', times('3 januari 2025'), 'rejects', 1, 0, 1, '1:')
inc('time_trailing_text.csv', times('2025-01-03 21:30 ungefär'), 'rejects', 1, 0, 1, '1:unexpected')
inc('time_am_pm_day_first.csv', times('03/01/2025 9:30 PM'), 'ok', 1, 1, 0)
inc('time_hour_13_pm.csv', times('03/01/2025 13:30 PM'), 'rejects', 1, 0, 1, '1:AM/PM')
inc('time_fraction_no_digits.csv', times('2025-01-03T21:30:00.Z'), 'rejects', 1, 0, 1, '1:decimal point')
inc('time_only_column.csv', 'id,tid,category,lat,lon\n1,21:30,Misshandel,57.7612,11.9853\n', 'rejects', 1, 0, 1, '1:')
inc('time_date_and_time_columns.csv', 'id,datum,tid,category,lat,lon\n1,2025-01-03,21:30,Misshandel,57.7612,11.9853\n2,2025-01-03,25:30,Misshandel,57.7612,11.9853\n', 'rejects', 2, 1, 1, '2:hour 25')
inc('time_no_time_column.csv', 'id,category,lat,lon\n1,Misshandel,57.7612,11.9853\n', 'ok', 1, 1, 0)
inc('time_bad_and_bad_coord.csv', times('2025-01-33').replace('57.7612','x'), 'rejects', 1, 0, 1, '1:not a number')
# ---- ids, weights -------------------------------------------------------------------------------
inc('id_duplicate.csv', H+R1+R1+R1.replace('Misshandel','Rån'), 'ok', 3, 3, 0)
inc('id_huge.csv', H+R1.replace('1,','99999999999999999999999,',1), 'ok', 1, 1, 0)
inc('id_negative_text.csv', H+R1.replace('1,','-abc,',1), 'ok', 1, 1, 0)
inc('weight_bad.csv', 'id,time,category,lat,lon,weight\n1,2025-01-03 21:30,X,57.76,11.98,-2\n2,2025-01-03 21:30,X,57.76,11.98,"1,5"\n3,2025-01-03 21:30,X,57.76,11.98,NaN\n', 'ok', 3, 3, 0)
# ---- GeoJSON incidents ----------------------------------------------------------------------------
def fc(features, crs=None):
    d={"type":"FeatureCollection","features":features}
    if crs: d["crs"]={"type":"name","properties":{"name":crs}}
    return json.dumps(d, ensure_ascii=False)
def pt(x,y,props=None): return {"type":"Feature","properties":props or {"time":"2025-01-03 21:30","category":"Rån"},"geometry":{"type":"Point","coordinates":[x,y]}}
inc('geojson_inc_ok.geojson', fc([pt(11.98,57.76),pt(11.99,57.761)]), 'ok', 2, 2, 0)
inc('geojson_inc_null_geometry.geojson', fc([pt(11.98,57.76),{"type":"Feature","properties":{"time":"2025-01-03"},"geometry":None}]), 'rejects', 2, 1, 1, '2:no geometry')
inc('geojson_inc_line.geojson', fc([pt(11.98,57.76),{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[11.98,57.76],[11.99,57.77]]}}]), 'rejects', 2, 1, 1, '2:not a point')
inc('geojson_inc_empty_collection.geojson', fc([]), 'EmptyLayer')
inc('geojson_inc_invalid_json.geojson', '{"type":"FeatureCollection","features":[{"type":"Feature",', 'UnknownFormat')
inc('geojson_inc_not_json.geojson', 'this is not json at all', 'UnknownFormat')
inc('geojson_inc_out_of_range.geojson', fc([pt(11.98,57.76),pt(190,95)]), 'rejects', 2, 1, 1, '2:out of range')
inc('geojson_inc_huge_coords.geojson', fc([pt(1e308,1e308)]), 'BadCrs', msg='are degrees')
inc('geojson_inc_3d.geojson', '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"time":"2025-01-03"},"geometry":{"type":"Point","coordinates":[11.98,57.76,12.5]}}]}', 'ok', 1, 1, 0)
inc('geojson_inc_empty_point.geojson', '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"time":"2025-01-03"},"geometry":{"type":"Point","coordinates":[]}}]}', 'rejects', 1, 0, 1, '1:no geometry')
inc('geojson_inc_duplicate_ids.geojson', fc([dict(pt(11.98,57.76),id=1),dict(pt(11.99,57.76),id=1)]), 'ok', 2, 2, 0)
inc('geojson_inc_geometry_collection.geojson', fc([{"type":"Feature","properties":{"time":"2025-01-03"},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[11.98,57.76]}]}}]), 'rejects', 1, 0, 1, '1:')
inc('geojson_inc_string_coords.geojson', '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"time":"2025-01-03"},"geometry":{"type":"Point","coordinates":["11.98","57.76"]}}]}', 'BadValue', msg='Invalid')
inc('geojson_inc_bad_time_type.geojson', fc([pt(11.98,57.76,{"time":12345,"category":"Rån"})]), 'rejects', 1, 0, 1, '1:')
inc('geojson_inc_wrong_crs.geojson', fc([pt(11.98,57.76)], crs='EPSG:3006'), 'ok', 1, 1, 0)

# ---- GeoJSON streets / areas / stops --------------------------------------------------------------
def line(coords, props=None): return {"type":"Feature","properties":props or {"name":"Gata","highway":"residential"},"geometry":{"type":"LineString","coordinates":coords}}
L1=line([[11.98,57.76],[11.99,57.76]])
m2=lambda n,r,e,rows_in='',placed='',rej='',msg='': m(n,r,e,rows_in,placed,rej,msg)
put('streets_ok.geojson', fc([L1, line([[11.99,57.76],[11.99,57.77]])])); m2('streets_ok.geojson','streets','ok',2,2,0)
put('streets_points.geojson', fc([pt(11.98,57.76)])); m2('streets_points.geojson','streets','WrongGeometryType')
put('streets_empty.geojson', fc([])); m2('streets_empty.geojson','streets','EmptyLayer')
put('streets_one_point_line.geojson', fc([L1, line([[11.98,57.76]])])); m2('streets_one_point_line.geojson','streets','rejects',2,1,1,'2:')
put('streets_nan_text.geojson', fc([L1]).replace('11.99','NaN')); m2('streets_nan_text.geojson','streets','rejects',1,0,1,'1:NaN')
put('streets_null_geometry.geojson', fc([L1, {"type":"Feature","properties":{},"geometry":None}])); m2('streets_null_geometry.geojson','streets','rejects',2,1,1,'2:')
put('streets_out_of_range.geojson', fc([L1, line([[11.98,57.76],[200,100]])])); m2('streets_out_of_range.geojson','streets','rejects',2,1,1,'2:')
put('streets_zero_length.geojson', fc([L1, line([[11.98,57.76],[11.98,57.76]])])); m2('streets_zero_length.geojson','streets','ok',2,2,0)
put('streets_multiline.geojson', fc([{"type":"Feature","properties":{},"geometry":{"type":"MultiLineString","coordinates":[[[11.98,57.76],[11.99,57.76]],[[11.99,57.76]],[]]}}])); m2('streets_multiline.geojson','streets','rejects',1,1,1,'1:')
put('streets_polygon.geojson', fc([{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[11.98,57.76],[11.99,57.76],[11.99,57.77],[11.98,57.76]]]}}])); m2('streets_polygon.geojson','streets','WrongGeometryType')
put('streets_self_crossing.geojson', fc([line([[11.98,57.76],[11.99,57.77],[11.99,57.76],[11.98,57.77]])])); m2('streets_self_crossing.geojson','streets','ok',1,1,0)
put('streets_duplicate_ids.geojson', fc([dict(L1,id=7), dict(line([[11.99,57.76],[11.99,57.77]]),id=7)])); m2('streets_duplicate_ids.geojson','streets','ok',2,2,0)
def poly(rings, props=None): return {"type":"Feature","properties":props or {"name":"Backa","population":100},"geometry":{"type":"Polygon","coordinates":rings}}
SQ=[[11.98,57.76],[11.99,57.76],[11.99,57.77],[11.98,57.77],[11.98,57.76]]
put('areas_ok.geojson', fc([poly([SQ])])); m2('areas_ok.geojson','areas','ok',1,1,0)
put('areas_bowtie.geojson', fc([poly([SQ]), poly([[[11.98,57.76],[11.99,57.77],[11.99,57.76],[11.98,57.77],[11.98,57.76]]],{"name":"Kors"})])); m2('areas_bowtie.geojson','areas','ok',2,2,0)
put('areas_unclosed_ring.geojson', fc([poly([SQ[:-1]])])); m2('areas_unclosed_ring.geojson','areas','ok',1,1,0)
put('areas_two_point_ring.geojson', fc([poly([SQ]), poly([[[11.98,57.76],[11.99,57.76]]],{"name":"Tunn"})])); m2('areas_two_point_ring.geojson','areas','rejects',2,1,1,'2:')
put('areas_empty.geojson', fc([])); m2('areas_empty.geojson','areas','EmptyLayer')
put('areas_points.geojson', fc([pt(11.98,57.76)])); m2('areas_points.geojson','areas','WrongGeometryType')
put('areas_duplicate_names.geojson', fc([poly([SQ]), poly([SQ])])); m2('areas_duplicate_names.geojson','areas','ok',2,2,0)
put('areas_population_text.geojson', fc([poly([SQ],{"name":"Backa","population":"många"})])); m2('areas_population_text.geojson','areas','ok',1,1,0)
put('areas_population_negative.geojson', fc([poly([SQ],{"name":"Backa","population":-5})])); m2('areas_population_negative.geojson','areas','ok',1,1,0)
put('areas_hole_outside.geojson', fc([poly([SQ, [[12.5,58],[12.6,58],[12.6,58.1],[12.5,58]]])])); m2('areas_hole_outside.geojson','areas','ok',1,1,0)
put('areas_nan_ring.geojson', fc([poly([SQ]), poly([[[11.98,57.76],[1e400,57.76],[11.99,57.77],[11.98,57.76]]])]).replace('Infinity','1e400')); m2('areas_nan_ring.geojson','areas','rejects',2,1,1,'2:')
put('stops_ok.geojson', fc([pt(11.98,57.76,{"name":"Backa Kyrkogata"})])); m2('stops_ok.geojson','stops','ok',1,1,0)
put('stops_lines.geojson', fc([L1])); m2('stops_lines.geojson','stops','WrongGeometryType')
put('stops_null_geometry.geojson', fc([pt(11.98,57.76,{"name":"A"}), {"type":"Feature","properties":{"name":"B"},"geometry":None}])); m2('stops_null_geometry.geojson','stops','rejects',2,1,1,'2:')
put('stops_duplicate_names.geojson', fc([pt(11.98,57.76,{"name":"A"}),pt(11.98,57.76,{"name":"A"})])); m2('stops_duplicate_names.geojson','stops','ok',2,2,0)
put('stops_csv_bad_coords.csv', 'stop_id,stop_name,stop_lat,stop_lon\n1,A,57.76,11.98\n2,B,x,11.98\n3,C,57.76,\n'); m2('stops_csv_bad_coords.csv','stops','rejects',3,1,2,'2:')
put('stops_csv_id_decimal.csv', 'stop_id,stop_name,stop_lat,stop_lon\n.5e1,A,57.76,11.98\n5.,B,57.76,11.98\n1e3,C,57.76,11.98\n'); m2('stops_csv_id_decimal.csv','stops','ok',3,3,0)
put('stops_csv_windows1252.csv', 'stop_id,stop_name,stop_lat,stop_lon\n1,Backa Kyrkogata Hållplats,57.76,11.98\n'.encode('cp1252')); m2('stops_csv_windows1252.csv','stops','ok',1,1,0)

# ---- OSM XML ----------------------------------------------------------------------------------------------------------
def osm(body): return '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="tryggve-bad-input">\n'+body+'</osm>\n'
N='<node id="%d" lat="%s" lon="%s" version="1"/>\n'
def way(i, refs, tags): return '<way id="%d" version="1">'%i+''.join('<nd ref="%d"/>'%r for r in refs)+''.join('<tag k="%s" v="%s"/>'%kv for kv in tags)+'</way>\n'
nodes=N%(1,'57.76','11.98')+N%(2,'57.76','11.99')+N%(3,'57.77','11.99')
put('osm_ok.osm', osm(nodes+way(10,[1,2,3],[('highway','residential'),('name','Backavägen')]))); m2('osm_ok.osm','osm','ok',1,1,0)
put('osm_no_ways.osm', osm(nodes)); m2('osm_no_ways.osm','osm','EmptyLayer')
put('osm_missing_nodes.osm', osm(nodes+way(10,[1,2,3],[('highway','residential')])+way(11,[3,98,99],[('highway','residential')]))); m2('osm_missing_nodes.osm','osm','ok',1,1,0)
put('osm_lat_out_of_range.osm', osm(nodes+N%(4,'95','11.99')+way(10,[1,2],[('highway','residential')])+way(11,[2,4],[('highway','residential')]))); m2('osm_lat_out_of_range.osm','osm','BadValue','','','','Invalid lon')
put('osm_empty_file.osm', b''); m2('osm_empty_file.osm','osm','UnknownFormat')
put('osm_not_xml.osm', 'highway=residential\n'); m2('osm_not_xml.osm','osm','UnknownFormat')
put('osm_truncated.osm', osm(nodes+way(10,[1,2,3],[('highway','residential')]))[:-40]); m2('osm_truncated.osm','osm','BadValue')
put('osm_one_node_way.osm', osm(nodes+way(10,[1,2],[('highway','residential')])+way(11,[3],[('highway','residential')]))); m2('osm_one_node_way.osm','osm','ok',1,1,0)
put('osm_duplicate_node_ids.osm', osm(nodes+N%(2,'57.80','12.10')+way(10,[1,2,3],[('highway','residential')]))); m2('osm_duplicate_node_ids.osm','osm','BadValue','','','','Non increasing node id')
put('osm_duplicate_way_ids.osm', osm(nodes+way(10,[1,2],[('highway','residential')])+way(10,[2,3],[('highway','residential')]))); m2('osm_duplicate_way_ids.osm','osm','BadValue','','','','UNIQUE constraint failed')
put('osm_non_highway_only.osm', osm(nodes+way(10,[1,2,3],[('building','yes')]))); m2('osm_non_highway_only.osm','osm','EmptyLayer')
put('osm_broken_multipolygon.osm', osm(nodes+way(10,[1,2,3],[('highway','footway')])+'<relation id="20" version="1"><member type="way" ref="99" role="outer"/><tag k="type" v="multipolygon"/><tag k="leisure" v="park"/></relation>\n')); m2('osm_broken_multipolygon.osm','osm','ok',1,1,0)
put('osm_windows1252_names.osm', ('<?xml version="1.0" encoding="windows-1252"?>\n<osm version="0.6">\n'+nodes+way(10,[1,2,3],[('highway','residential'),('name','Kärra Hälsovägen')])+'</osm>\n').encode('cp1252')); m2('osm_windows1252_names.osm','osm','ok',1,1,0)
put('osm_nan_coordinates.osm', osm(N%(1,'nan','11.98')+N%(2,'57.76','inf')+N%(3,'57.77','11.99')+N%(4,'57.77','11.98')+way(10,[1,2],[('highway','residential')])+way(11,[3,4],[('highway','residential')]))); m2('osm_nan_coordinates.osm','osm','BadValue','','','','Invalid lon')

# ---- scenarios ---------------------------------------------------------------------------------------------------
S="version: 1\nname: test\ninputs:\n  streets: streets.osm\n  incidents: incidents.csv\n"
def scen(name, text, code, msg=''):
    put(name, text); m(name,'scenario',code,'','','',msg)
scen('scen_yaml_syntax.yaml', S+"stages: {simulate: {replicates: 10}\n", 'BadScenario', 'YAML syntax')
scen('scen_tabs.yaml', S.replace('  streets','\tstreets'), 'BadScenario', 'YAML syntax')
scen('scen_not_mapping.yaml', "- a\n- b\n", 'BadScenario', 'expected a mapping')
scen('scen_scalar.yaml', "just text\n", 'BadScenario', 'expected a mapping')
scen('scen_empty.yaml', "", 'BadScenario', 'expected a mapping')
scen('scen_missing_version.yaml', S.replace('version: 1\n',''), 'BadScenario', 'version: missing')
scen('scen_version_2.yaml', S.replace('version: 1','version: 2'), 'BadScenario', 'version')
scen('scen_version_text.yaml', S.replace('version: 1','version: one'), 'BadScenario', 'version')
scen('scen_missing_name.yaml', S.replace('name: test\n',''), 'BadScenario', 'name: missing')
scen('scen_missing_inputs.yaml', "version: 1\nname: x\n", 'BadScenario', 'inputs: missing')
scen('scen_missing_streets.yaml', "version: 1\nname: x\ninputs:\n  incidents: i.csv\n", 'BadOption', 'streets')
scen('scen_unknown_top_key.yaml', S+"stagse: {}\n", 'BadScenario', 'stages')
scen('scen_unknown_input_key.yaml', S+"  streetz: x\n", 'BadScenario', 'streets')
scen('scen_replicates_text.yaml', S+"stages:\n  simulate:\n    replicates: many\n", 'BadOption', 'replicates')
scen('scen_replicates_negative.yaml', S+"stages:\n  simulate:\n    replicates: -5\n", 'BadOption', 'replicates')
scen('scen_replicates_float.yaml', S+"stages:\n  simulate:\n    replicates: 1.5\n", 'BadOption', 'replicates')
scen('scen_replicates_huge.yaml', S+"stages:\n  simulate:\n    replicates: 99999999999999999999999\n", 'BadOption', 'replicates')
scen('scen_unknown_stage.yaml', S+"stages:\n  simulation: {}\n", 'BadScenario', 'simulate')
scen('scen_plan_stage.yaml', S+"stages:\n  plan: {}\n", 'ok')
scen('scen_forecast_start.yaml', S+"stages:\n  simulate:\n    forecast_start: 2025-13\n", 'BadScenario', 'forecast_start')
scen('scen_reporting_rates.yaml', S+"stages:\n  simulate:\n    reporting_rates: [robbery=2]\n", 'BadScenario', 'reporting_rates')
scen('scen_latitude.yaml', S+"stages:\n  simulate:\n    latitude_deg: 95\n", 'BadScenario', 'latitude_deg')
scen('scen_seed_negative.yaml', S+"seed: -1\n", 'BadScenario', 'seed')
scen('scen_seed_text.yaml', S+"seed: abc\n", 'BadScenario', 'seed')
scen('scen_seed_list.yaml', S+"seed: [1, 2]\n", 'BadScenario', 'seed')
scen('scen_iv_unknown_type.yaml', S+"interventions:\n  - type: drones\n    where: {area: Backa}\n", 'BadScenario', 'interventions[0].type')
scen('scen_iv_missing_where.yaml', S+"interventions:\n  - type: lighting\n    lamps: 4\n", 'BadScenario', 'where')
scen('scen_iv_where_unknown_key.yaml', S+"interventions:\n  - type: lighting\n    lamps: 4\n    where: {parc: Kvarnparken}\n", 'BadScenario', 'park')
scen('scen_iv_weekdays.yaml', S+"interventions:\n  - type: patrol\n    visits_per_week: 2\n    where: {area: Backa}\n    when: {weekdays: [funday]}\n", 'BadScenario', 'weekdays')
scen('scen_iv_hours.yaml', S+"interventions:\n  - type: patrol\n    visits_per_week: 2\n    where: {area: Backa}\n    when: {hours: \"25-26\"}\n", 'BadScenario', 'hours')
scen('scen_iv_months.yaml', S+"interventions:\n  - type: patrol\n    visits_per_week: 2\n    where: {area: Backa}\n    when: {months: [2025-13]}\n", 'BadScenario', 'months')
scen('scen_iv_months_reversed.yaml', S+"interventions:\n  - type: patrol\n    visits_per_week: 2\n    where: {area: Backa}\n    when: {months: [\"5-3\"]}\n", 'BadScenario', 'months')
scen('scen_iv_lamps_negative.yaml', S+"interventions:\n  - type: lighting\n    lamps: -3\n    where: {area: Backa}\n", 'BadScenario', 'lamps')
scen('scen_iv_spillover_share.yaml', S+"interventions:\n  - type: lighting\n    lamps: 3\n    where: {area: Backa}\n    spillover: {displacement_share: 2}\n", 'BadScenario', 'displacement_share')
scen('scen_iv_reaction.yaml', S+"interventions:\n  - type: patrol\n    visits_per_week: 2\n    where: {area: Backa}\n    reaction: {peak_rise: lots}\n", 'BadScenario', 'reaction')
scen('scen_iv_polygon_wkt.yaml', S+"interventions:\n  - type: lighting\n    lamps: 3\n    where: {polygon: 'POLYGON((0 0, 1 1'}\n", 'BadScenario', 'polygon')
scen('scen_iv_route_bad.yaml', S+"interventions:\n  - type: adults_outdoors\n    adults: 2\n    where: {route: [[0, 0, 0, 0]]}\n", 'BadScenario', 'route')
scen('scen_duplicate_scenarios.yaml', S+"scenarios:\n  - {name: a, interventions: [{type: lighting, lamps: 2, where: {area: Backa}}]}\n  - {name: a, interventions: [{type: lighting, lamps: 2, where: {area: Backa}}]}\n", 'BadScenario', "another scenario is called 'a'")
scen('scen_too_many_scenarios.yaml', S+"scenarios:\n"+''.join("  - {name: s%d, interventions: [{type: lighting, lamps: 2, where: {area: Backa}}]}\n"%i for i in range(64)), 'BadScenario', 'at most 63')
scen('scen_duplicate_keys.yaml', S+"seed: 1\nseed: 2\n", 'BadScenario', 'seed: is given twice (first at line 6)')
scen('scen_alias_bomb.yaml', "version: 1\nname: x\ninputs: {streets: s.osm}\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n", 'BadScenario', 'values once its aliases')
scen('scen_alias_cycle.yaml', "version: 1\nname: x\ninputs: {streets: s.osm}\ninterventions:\n  - &a\n    type: lighting\n    where: [*a]\n", 'BadScenario', 'interventions[0].where[0]: is an alias (*name) inside the very node it names')
scen('scen_deep_nesting.yaml', S+"description: "+"["*5000+"]"*5000+"\n", 'BadScenario', '')
scen('scen_windows1252.yaml', (S+"description: Belysning vid skolgården i Kärra\n").encode('cp1252'), 'ok')
scen('scen_utf8_bom.yaml', b'\xef\xbb\xbf'+S.encode(), 'ok')
scen('scen_utf16.yaml', b'\xff\xfe'+S.encode('utf-16-le'), 'ok')
scen('scen_binary.yaml', bytes(range(256)), 'BadScenario', '')
scen('scen_nul.yaml', S.encode()+b"description: a\x00b\n", 'ok')
scen('scen_override_target.yaml', S+"stages:\n  simulate:\n    fit_months: 0\n", 'BadOption', 'fit_months')

# ---- taxonomy -------------------------------------------------------------------------------------------------------
TX="version: 1\nest_categories:\n  - {code: a, name_sv: A, name_en: A}\nparameters:\n  - code: x1\n    name_sv: Ett\n    name_en: One\n    weight: 2.5\n    setting: outdoor\n    darkness_sensitive: true\n    school_related: false\n    public: true\n    est_category: a\n"
def tax(name, text, code, msg=''):
    put(name, text); m(name,'taxonomy',code,'','','',msg)
tax('tax_ok.yaml', TX, 'ok')
tax('tax_alias_cycle.yaml', TX+"x: &z\n  a: [*z]\n", 'BadTaxonomy', 'the document never ends')
tax('tax_syntax.yaml', TX.replace('weight: 2.5','weight: [2.5'), 'BadTaxonomy', 'YAML syntax')
tax('tax_missing_version.yaml', TX.replace('version: 1\n',''), 'BadTaxonomy', 'version')
tax('tax_version_2.yaml', TX.replace('version: 1','version: 2'), 'BadTaxonomy', 'must be 1')
tax('tax_no_parameters.yaml', TX.split('parameters:')[0]+'parameters: []\n', 'BadTaxonomy', 'non-empty list')
tax('tax_duplicate_code.yaml', TX+TX.split('parameters:\n')[1], 'BadTaxonomy', 'used twice')
tax('tax_bad_code.yaml', TX.replace('code: x1','code: X-1'), 'BadTaxonomy', 'snake_case')
tax('tax_weight_zero.yaml', TX.replace('weight: 2.5','weight: 0'), 'BadTaxonomy', '> 0')
tax('tax_weight_negative.yaml', TX.replace('weight: 2.5','weight: -1'), 'BadTaxonomy', '> 0')
tax('tax_weight_text.yaml', TX.replace('weight: 2.5','weight: heavy'), 'BadTaxonomy', 'number')
tax('tax_weight_inf.yaml', TX.replace('weight: 2.5','weight: .inf'), 'BadTaxonomy', 'number')
tax('tax_setting.yaml', TX.replace('setting: outdoor','setting: street'), 'BadTaxonomy', 'outdoor, indoor or mixed')
tax('tax_est_undeclared.yaml', TX.replace('est_category: a','est_category: b'), 'BadTaxonomy', 'not one of the est_categories')
tax('tax_unknown_key.yaml', TX+"    colour: red\n", 'BadTaxonomy', "unknown key 'colour'")
tax('tax_missing_name.yaml', TX.replace('    name_en: One\n',''), 'BadTaxonomy', 'name_en is missing')
tax('tax_flag_text.yaml', TX.replace('public: true','public: maybe'), 'BadTaxonomy', 'true or false')
tax('tax_complex_key.yaml', TX+"? [a, b]\n: c\n", 'BadTaxonomy', 'key')
tax('tax_windows1252.yaml', TX.replace('name_sv: Ett','name_sv: Skadegörelse').encode('cp1252'), 'ok')
tax('tax_not_mapping.yaml', "- 1\n", 'BadTaxonomy', 'must be a map')

# ---- mapping tables ---------------------------------------------------------------------------------------------------
def mp(name, text, code, msg=''):
    put(name, text); m(name,'mapping',code,'','','',msg)
MH="source_category,parameter,note\n"
mp('map_ok.csv', MH+"Misshandel,public_violence,\n", 'ok')
mp('map_bad_header.csv', "category,param\nMisshandel,public_violence\n", 'BadTaxonomy', 'header')
mp('map_field_count.csv', MH+"Misshandel,public_violence,a,b\n", 'BadTaxonomy', 'fields')
mp('map_unterminated.csv', MH+"\"Misshandel,public_violence,\n", 'BadTaxonomy', 'never closed')
mp('map_quote_mid.csv', MH+"Miss\"handel,public_violence,\n", 'BadTaxonomy', 'quote in the middle')
mp('map_empty_category.csv', MH+",public_violence,\n", 'BadTaxonomy', 'source_category is empty')
mp('map_unknown_parameter.csv', MH+"Misshandel,fighting,\n", 'BadTaxonomy', "parameter 'fighting'")
mp('map_conflict.csv', MH+"Misshandel,public_violence,\nMISSHANDEL,robbery,\n", 'BadTaxonomy', 'mapped to')
mp('map_empty.csv', "", 'BadTaxonomy', 'empty')
mp('map_windows1252.csv', (MH+"Skadegörelse,vandalism,\n").encode('cp1252'), 'ok')
mp('map_bom.csv', b'\xef\xbb\xbf'+(MH+"Rån,robbery,\n").encode(), 'ok')
mp('map_text_after_quote.csv', MH+"\"Rån\"x,robbery,\n", 'BadTaxonomy', 'after a closing quote')

# ---- evidence ------------------------------------------------------------------------------------------------------------
EH="intervention,parameter,rr_central,rr_low,rr_high,applies_when,source,note\n"
def ev(name, text, code, msg=''):
    put(name, text); m(name,'evidence',code,'','','',msg)
ev('ev_ok.csv', EH+"lighting,outdoor_dark,0.79,0.66,0.95,dark,Welsh & Farrington 2008,\n", 'ok')
ev('ev_no_header.csv', "lighting,outdoor_dark,0.79,0.66,0.95,dark,Welsh,\n", 'MissingField', 'column 1')
ev('ev_column_order.csv', EH.replace('rr_low,rr_high','rr_high,rr_low')+"lighting,*,0.8,0.7,0.9,dark,x,\n", 'MissingField', 'column 4')
ev('ev_rr_zero.csv', EH+"lighting,*,0,0.7,0.9,dark,x,\n", 'BadValue', 'rr_central')
ev('ev_rr_negative.csv', EH+"lighting,*,0.8,-0.7,0.9,dark,x,\n", 'BadValue', 'rr_low')
ev('ev_rr_text.csv', EH+"lighting,*,0.8,0.7,high,dark,x,\n", 'BadValue', 'rr_high')
ev('ev_rr_order.csv', EH+"lighting,*,0.6,0.7,0.9,dark,x,\n", 'BadValue', 'rr_low <= rr_central')
ev('ev_rr_huge.csv', EH+"lighting,*,1e300,1e300,1e300,dark,x,\n", 'BadValue', 'rr_central')
ev('ev_applies.csv', EH+"lighting,*,0.8,0.7,0.9,night,x,\n", 'BadValue', 'applies_when')
ev('ev_no_source.csv', EH+"lighting,*,0.8,0.7,0.9,dark,,\n", 'BadValue', 'source is empty')
ev('ev_fields.csv', EH+"lighting,*,0.8,0.7,0.9,dark,x\n", 'BadValue', 'expected 8 fields')
ev('ev_unterminated.csv', EH+"lighting,*,0.8,0.7,0.9,dark,\"x,\n", 'BadValue', 'unterminated')
ev('ev_windows1252.csv', (EH+"lighting,*,0.8,0.7,0.9,dark,Källa 2020,\n").encode('cp1252'), 'ok')
ev('ev_bom_crlf.csv', b'\xef\xbb\xbf'+(EH+"lighting,*,0.8,0.7,0.9,dark,x,\n").replace('\n','\r\n').encode(), 'ok')
ev('ev_decimal_comma.csv', EH+"lighting,*,\"0,8\",0.7,0.9,dark,x,\n", 'BadValue', 'rr_central')

with open(os.path.join(ROOT,'manifest.csv'),'w',newline='') as f:
    w=csv.writer(f, lineterminator='\n')
    w.writerow(['file','reader','expect','rows_in','placed','rejected','message'])
    for r in rows: w.writerow(r)
print(len(rows), 'rows')

# ---- generated binaries (tests/bad_input/generate.cpp) -------------------------------------------
gen=[
 ('gpkg_inc_ok.gpkg','incidents','ok',2,2,0,''),
 ('gpkg_inc_empty_layer.gpkg','incidents','EmptyLayer','','','',''),
 ('gpkg_inc_lines.gpkg','incidents','WrongGeometryType','','','',''),
 ('gpkg_inc_no_crs.gpkg','incidents','BadCrs','','','','are degrees'),
 ('gpkg_inc_nan.gpkg','incidents','rejects',2,1,1,'2:'),
 ('gpkg_inc_empty_geometry.gpkg','incidents','rejects',3,1,2,'2:no geometry'),
 ('gpkg_inc_year_0024.gpkg','incidents','rejects',2,1,1,'2:year 24'),
 ('gpkg_inc_no_time.gpkg','incidents','rejects',2,1,1,'1:time missing'),
 ('gpkg_inc_duplicate_ids.gpkg','incidents','ok',2,2,0,''),
 ('gpkg_inc_wgs84_swapped.gpkg','incidents','ok',1,1,0,''),
 ('gpkg_inc_multipoint.gpkg','incidents','ok',1,1,0,''),
 ('gpkg_not_sqlite.gpkg','incidents','UnknownFormat','','','',''),
 ('gpkg_truncated.gpkg','incidents','UnknownFormat','','','',''),
 ('gpkg_zero_bytes.gpkg','incidents','UnknownFormat','','','',''),
 ('gpkg_streets_ok.gpkg','streets','ok',1,1,0,''),
 ('gpkg_streets_empty.gpkg','streets','EmptyLayer','','','',''),
 ('gpkg_streets_degenerate.gpkg','streets','rejects',3,1,2,'2:'),
 ('gpkg_streets_no_crs.gpkg','streets','BadCrs','','','','CRS is wrong or missing'),
 ('gpkg_areas_bowtie.gpkg','areas','ok',2,2,0,''),
 ('gpkg_areas_empty.gpkg','areas','EmptyLayer','','','',''),
 ('gpkg_areas_duplicate_names.gpkg','areas','ok',2,2,0,''),
 ('shp_inc_ok.shp','incidents','ok',1,1,0,''),
 ('shp_inc_no_prj.shp','incidents','MissingCrs','','','',''),
 ('shp_inc_no_shx.shp','incidents','UnknownFormat','','','',''),
 ('shp_inc_no_dbf.shp','incidents','ok',1,1,0,''),
 ('shp_inc_truncated.shp','incidents','BadValue','','','',''),
 ('shp_inc_empty.shp','incidents','EmptyLayer','','','',''),
 ('shp_inc_cp1252.shp','incidents','ok',1,1,0,''),
 ('shp_streets_points.shp','streets','WrongGeometryType','','','',''),
 ('pbf_ok.osm.pbf','osm','ok',1,1,0,''),
 ('pbf_header_only.osm.pbf','osm','EmptyLayer','','','',''),
 ('pbf_truncated.osm.pbf','osm','BadValue','','','',''),
 ('pbf_garbage.osm.pbf','osm','UnknownFormat','','','',''),
 ('pbf_zero_bytes.osm.pbf','osm','UnknownFormat','','','',''),
 ('pbf_missing_nodes.osm.pbf','osm','EmptyLayer','','','',''),
 ('pbf_huge_declared_size.osm.pbf','osm','BadValue','','','',''),
 ('pbf_lat_out_of_range.osm.pbf','osm','BadValue','','','','cannot be read whole'),
 ('pbf_unknown_block.osm.pbf','osm','BadValue','','','','cannot be read whole'),
]
for g in gen: rows.append(['gen/'+g[0]]+list(g[1:]))
# Broken GTFS feeds: folders under files/, written by hand (a feed is several files).
rows += [
 ['gtfs_missing_stop_times','gtfs','FileNotFound','','','','stop_times.txt'],
 ['gtfs_stop_times_out_of_order','gtfs','rejects','','4','1','1:times go backwards'],
 ['gtfs_unknown_stop','gtfs','rejects','','4','2',"2:stop 'Z9' is not in stops.txt"],
 ['gtfs_unknown_route','gtfs','rejects','','4','1','1:R99'],
 ['gtfs_repeated_sequence','gtfs','rejects','','4','1',''],
]
with open(os.path.join(ROOT,'manifest.csv'),'w',newline='') as f:
    w=csv.writer(f, lineterminator='\n')
    w.writerow(['file','reader','expect','rows_in','placed','rejected','message'])
    for r in rows: w.writerow(r)
print(len(rows), 'rows with generated')

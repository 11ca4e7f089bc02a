SceCosC	rA	0	1
SceCosC  	rA  	2  	1
SceCosC	rA	4	1
ArcTec  	rB  	0  	2

   	

ArcTec	rB	1	1
ArcTec  	rB  	3  	1
TecCos	rC	0	0
TecCos  	rC  	1  	0

   	

TecCos	rC	2	2
TecCos  	rC  	3  	0
TecCos	rC	4	0
Geotec  	rC  	0  	1

   	

Geotec	rC	1	1
Geotec  	rC  	2  	3
Geotec	rC	3	1
Geotec  	rC  	4  	1

   	


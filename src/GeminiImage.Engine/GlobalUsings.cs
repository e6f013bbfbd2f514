// Namespaces that most engine files use (measured: System 142 of 178 files, Collections.Generic 84, IO 65,
// Linq 58, Errors 54, Text 31, Text.Json 30, Globalization 25, Threading 24, Tasks 15), declared once here
// as the SDK's ImplicitUsings would; files keep their own usings for anything narrower.
global using System;
global using System.Collections.Generic;
global using System.Globalization;
global using System.IO;
global using System.Linq;
global using System.Text;
global using System.Text.Json;
global using System.Threading;
global using System.Threading.Tasks;
global using GeminiImage.Engine.Errors;

// The namespaces the emulator's files import most, declared once (C# 10 global usings).
global using System;
global using System.Collections.Generic;
global using System.IO;
global using System.Linq;
global using System.Text;
global using System.Text.Json;

// Namespaces nearly every file of the cmdlet assembly uses, declared once (C# 10 global usings).
global using System;
global using System.Collections.Generic;
global using System.IO;
global using System.Linq;
global using System.Management.Automation;
global using GeminiImage.Cmdlets.Infrastructure;
global using GeminiImage.Engine.Configuration;
global using GeminiImage.Engine.Errors;
global using GeminiImage.Engine.Generation;
global using GeminiImage.Engine.Ledger;

// The namespaces the cmdlet assembly's files import most (each by five files or more), declared once (C# 10 global
// usings): PowerShell's, the shared infrastructure's and the engine's the cmdlets front.
global using System;
global using System.Collections;
global using System.Collections.Generic;
global using System.Globalization;
global using System.IO;
global using System.Linq;
global using System.Management.Automation;
global using System.Runtime.InteropServices;
global using System.Security;
global using GeminiImage.Cmdlets.Infrastructure;
global using GeminiImage.Engine.Batch;
global using GeminiImage.Engine.Cache;
global using GeminiImage.Engine.Catalog;
global using GeminiImage.Engine.Configuration;
global using GeminiImage.Engine.Errors;
global using GeminiImage.Engine.Generation;
global using GeminiImage.Engine.Imaging;
global using GeminiImage.Engine.Ledger;
global using GeminiImage.Engine.Queue;
global using GeminiImage.Engine.Styles;
